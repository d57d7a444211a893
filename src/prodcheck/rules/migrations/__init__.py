"""Schema migration rules (MIG-DATA-2NN): PostgreSQL locking and downtime, safe constraints,
reversibility, foreign-key indexes; one id per check across SQL files, Django, Alembic, knex, TypeORM
and Sequelize. The PostgreSQL lock and rewrite rules skip migration sets on another engine."""
