"""What the harness feeds and what counts as a failure; shared by fuzz_scan.py and seed_corpus.py."""

# one name per language and kind that prodcheck reads differently; an input's first byte indexes this
NAMES = (
    "app/views.py", "migrations/0001_initial.py", "alembic/versions/1a2b_add.py", "setup.py", "tests/test_api.py",
    "src/server.js", "web/App.jsx", "src/app.ts", "web/View.tsx", "cmd/api/main.go", "internal/user_test.go",
    "Dockerfile", "k8s/deployment.yaml", "docker-compose.yml", ".github/workflows/ci.yml",
    "migrations/0001_init.sql", "db/migrations/000001_users.up.sql", "prisma/migrations/1_init/migration.sql",
    "package.json", "tsconfig.json", "package-lock.json", "pyproject.toml", "Pipfile", ".env", "go.mod",
    "requirements.txt", "setup.cfg", "Procfile", "main.tf", "README.md",
)
# diagnostics that mean a bug of prodcheck, not of the fuzzed file
OUR_BUGS = frozenset({"rule-error", "extractor-error", "analysis-error", "worker-crash"})
# every diagnostic kind the per-file phase may legitimately report
PER_FILE_KINDS = frozenset({"syntax-error", "binary-file", "encoding", "file-too-large", "unreadable",
                            "parse-timeout", "too-deep", "too-complex", "sql-parse-error", "bad-suppression",
                            "minified"})
