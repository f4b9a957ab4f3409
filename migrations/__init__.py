"""aerich migrations, one folder per SQL dialect (`sqlite/`, `postgres/`), shipped as `nself_oncall.migrations`."""
