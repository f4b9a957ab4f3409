from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "policies" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "repeat" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "policy_steps" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "position" INT NOT NULL,
    "delay_minutes" DOUBLE PRECISION NOT NULL,
    "policy_id" VARCHAR(64) NOT NULL REFERENCES "policies" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_policy_step_policy__5859be" UNIQUE ("policy_id", "position")
);
CREATE TABLE IF NOT EXISTS "policy_targets" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "position" INT NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "target_id" VARCHAR(255) NOT NULL,
    "step_id" INT NOT NULL REFERENCES "policy_steps" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_policy_targ_step_id_06a39f" UNIQUE ("step_id", "position")
);
CREATE INDEX IF NOT EXISTS "idx_policy_targ_target__93bc2e" ON "policy_targets" ("target_id");
COMMENT ON TABLE "policy_targets" IS 'A schedule, user or channel a step notifies; `target_id` is that thing''s id.';
CREATE TABLE IF NOT EXISTS "schedules" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "schedules"."version" IS 'Bumped with every change to the schedule, its layers or its overrides (see store/cache.py).';
CREATE TABLE IF NOT EXISTS "layers" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "position" INT NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "users" JSONB NOT NULL,
    "rotation_unit" VARCHAR(8) NOT NULL,
    "rotation_length" INT NOT NULL,
    "start" VARCHAR(40) NOT NULL,
    "end" VARCHAR(40),
    "restrictions" JSONB NOT NULL,
    "schedule_id" VARCHAR(64) NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_layers_schedul_76eb35" UNIQUE ("schedule_id", "position")
);
COMMENT ON TABLE "layers" IS 'A rotation layer; `position` orders precedence (a higher one wins).';
CREATE TABLE IF NOT EXISTS "overrides" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "user" VARCHAR(255) NOT NULL,
    "start_at" TIMESTAMPTZ NOT NULL,
    "end_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "schedule_id" VARCHAR(64) NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_overrides_end_at_628f31" ON "overrides" ("end_at");
CREATE TABLE IF NOT EXISTS "users" (
    "id" VARCHAR(255) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "contact_methods" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "position" INT NOT NULL,
    "channel" VARCHAR(64) NOT NULL,
    "address" VARCHAR(1000) NOT NULL,
    "user_id" VARCHAR(255) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_contact_met_user_id_eb54bc" UNIQUE ("user_id", "position")
);
COMMENT ON TABLE "contact_methods" IS 'One way to reach a user: a configured channel and the address its notifier needs.';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXFtT2zgU/isav5TOUBayKWXapwBhmy2QDkl3Oy0dR9hKosGRXFkppF3++0qyfIlju3"
    "FIQmL8QrB0jix/Rzr6dHT5ZYyojRxv74QSDi1+gfiQ2sZb8MsgcITEP+kCu8CArhtlywQO"
    "bxylYfmi5kjJqjx443Em0kR2HzoeEkk28iyGXY4pkUptgsAdnABOAUPQGgIIxh5ib8WvKK"
    "+PB2OGbGANISHIAZDYgA8RgLbNkOcBzD1AKMd9jBggCNnennytTS3xXkwGK3vDmODvY2Ry"
    "OhAfi5h4z9evhixWZrrUw+r7vn0TT5jY6B55UkQ+uremKMuZBhsraFW6ySeuSmsRfqYE5Q"
    "fdmBZ1xiMSCbsTgTIJpTHhMnWACGKQI1k8Z2MJOBk7jjZRYAO/9pGIX8WYjo36cOxIs0lt"
    "vwJRmmGal+2u2Wl2TdOYMWmgEbOBThJwy+Ygquqprx/IKryqHdTf1I/+PKwfCRFVzTDlzY"
    "P/6ggYX1HBc9k1HlQ+5NCXUBhHoIZmmB/auMrvAQ7gzEM4SIggjjrC1mAcYaq7ySykJ0PI"
    "0jGNqSQgFRXdRkhH8N50EBnwoXg8rOfg90/j6uR942rnsP5SvpAKV+i7ykudU1NZ0xBrz1"
    "ME4phKCSE+2N/fnwNkKZYJs585DbR012aa580GOqZSQqBrr1/PgbOQyoRZ5T08yHGuf5vq"
    "lIMxchrxM8oQHpAPaKJwb4lKQmKhFJw1Lfmki9kyvB+CBhWkRkMug3chMYi3M/Ht4osR91"
    "tmo3PSOG0aCuEbaN3eQWabU1DLHFqjiZRQdjZrVBslUyCBAwWO/ApZZ436OZworjPDEv2M"
    "XHboSJE5SWEDMMqhfAJK7R3oBSNzD1Bmi4KAy5CFbCRaCdiBYIgHgoYBKrkeJt7LWRq4hD"
    "KvyTXpiZbJeE/xxB4idg/cIuQqysjRPQfQA3cMc47IW9DqtMHR4f6BUOdD0PvSA33KhCbA"
    "qn3z3WsinmUmHXOZTvt9D3EldQcd55XlUOsWcDwSGN0NseCu2JMk1hYlqFd61hDZYwe98K"
    "7JT1lRRXClAtjxqGS4YvAdIFEwUNkj+gN58bJ9q/gVxPxlNrcN3lTx24rfbpBDXTa/Vb8F"
    "CEEgX0Y2MBfrquWQrlo650qhtn932pfZjCuN2NrY4uA/4GBvG5ttDrASClnyyPO+O3E8dy"
    "4an5NQn5y3j7VH5gOmSlEFHCdgD4Y+UwDAi7TvGcUSNvSjOZr5UWYjP0o28RAy/YL5vXOK"
    "ZuWkU5y0omBFWnGoUMLWW5/HS9eznXR9xkcLVlsEXC2+ELSajj0XZIWHFhWwZLUKDYJJvW"
    "osfMRYGMxkCoZ+Emol9CTLCWXmxH7ic8hHxn86saK2DPR5Y0CJBrdJcaD2D8QYtpGREgoK"
    "83bzokFUS80XEMrGNiVW8ZiYRHb3X2avf9qoxErGuOwoRXrANz/EXlIHu7T4+gwZNmEKHz"
    "4VOMlQYA4n1npJPqEV94J/thD5HKC7rYtmp9u4+DhFLU4b3abMqanUSSJ15zBhk7AQ8G+r"
    "+x7IR/ClfdlMMpBQrvvFkHWCY05NQu9MaMcxCZKDpCQhX8DAkdZ6zLtOJ1Ym61oMSdwXsP"
    "C0ZtWJN9rM1bSjmnZsQF/a5mnHR+pga2KkTDp0zm7elMOVMriacTzxjGNZG6ayZxzVGt5q"
    "1/DiNZuBuYvuM1Y3EmrrQ9swnoCeND938yOXITs5b1/+FYgnw5nJ8LGL0lhi9oJSqLC+da"
    "T9VTXsZe9krWj3c6DdY9de0MzTmpWZN87MM5Q/m5XGw2XITVl7O9ZqZx+ukAMzxqgpstkR"
    "BW2v0WemAQ+rJ+4KsUzyHuD5GwI/MUMLLpfEf9Xl69ZZbXCsNjhuQn9dNu0RvQpOzBEmY4"
    "5S/OCZQ2Emf09oJvDtS9UtRDgHvtP2p+PzJvh41TxpdVp6L0I47qlMmSQSsB8guWo2zhOA"
    "a69VbO4/pVTCeenKY36RL39kxC+KLG0Z4PPG+6aaWtFoXwQ4h0yMpUthVl1VVIkgXwO30p"
    "hlsqsI09/yq5gl5zmpE8SLd9WpakBZdJQaSKoWnJ723oGeX7Roaz15kIUPIRd/BKIvPIDt"
    "tCM7yy08/WCL5p0V56s434b4kWVzPoVGAfYRyJeQeBwcznOSOBnJiJ0jPkxGw0O3UwjhuN"
    "KqYH66NZ4VbXRCbirMmY4hplH5Be0X8tbJ9Ui4FMZcsvBYkjXHmtYmrZCH+xNSiGB870I2"
    "CQwYV7VMXi2TV8vk1TL5Fi6Ty+U4edtBIUIW01kj5J+6J6tCfdXXFP1AzCs2T4tpbOx2BO"
    "N4PHKR7V+IgUSNJ8EVGpxO3bixq26G09dnUKaewkMtYMdDQpQL6vSHBYXGnjtJuZJkxe+q"
    "NlBs4JLCVqysVxsonoWZF9pAEd3jtHicP7wuajsNPhvgj3eYqaONi2MUP0dZFphWOfVVN8"
    "KlTHuDm+Kyp7zhFTPVdLcMEcNqxvtUM96KEZaWKlSM8FmYeSFGqO99fyTfmblofjtNv17S"
    "00AMW8M02qNzcokPjGQ2hvlUGygeuYEiMy6XzXOyA3OloDqrWIyWnaoAwlq8hOgezHs3e9"
    "7V7DNEUowFiKTQi+wr0mIq1e1oBW9HKzDqL38we/gfIFLugg=="
)
