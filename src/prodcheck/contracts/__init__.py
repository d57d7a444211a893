"""API contracts kept in the repository (OpenAPI/Swagger documents) and how they change."""
