"""Rules over the endpoint inventory (`project.inventory.endpoints`), for every language."""
