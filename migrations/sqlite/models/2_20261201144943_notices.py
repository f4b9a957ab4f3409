from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "notices" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "shift_start" TIMESTAMP NOT NULL,
    "user" VARCHAR(255) NOT NULL,
    "notice" INT NOT NULL,
    "channel" VARCHAR(64),
    "minutes_before" REAL NOT NULL,
    "due_at" TIMESTAMP NOT NULL,
    "send_at" TIMESTAMP,
    "summary" TEXT,
    "details" JSON,
    "created_at" TIMESTAMP NOT NULL,
    "schedule_id" VARCHAR(64) NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_notices_schedul_e403f7" UNIQUE ("schedule_id", "shift_start", "user", "notice")
);
CREATE INDEX IF NOT EXISTS "idx_notices_send_at_cea20e" ON "notices" ("send_at");
ALTER TABLE "schedules" ADD "notices" JSON;
ALTER TABLE "schedules" ADD "notices_plan_at" TIMESTAMP;
CREATE INDEX IF NOT EXISTS "idx_schedules_notices_6f2be4" ON "schedules" ("notices_plan_at");
CREATE TABLE "notifications_new" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "loop" INT NOT NULL,
    "step" INT NOT NULL,
    "target_position" INT NOT NULL,
    "contact_position" INT NOT NULL,
    "target_type" VARCHAR(16) NOT NULL,
    "target_id" VARCHAR(255) NOT NULL,
    "user" VARCHAR(255),
    "user_name" VARCHAR(200),
    "channel" VARCHAR(64),
    "address" VARCHAR(1000),
    "contact_key" VARCHAR(32),
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "due_at" TIMESTAMP NOT NULL,
    "available_at" TIMESTAMP,
    "lease" VARCHAR(32),
    "lease_owner" VARCHAR(100),
    "first_attempt_at" TIMESTAMP,
    "sent_at" TIMESTAMP,
    "provider_id" VARCHAR(255),
    "error" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "escalation_id" VARCHAR(24) REFERENCES "escalations" ("id") ON DELETE CASCADE,
    "notice_id" VARCHAR(24) REFERENCES "notices" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_notificatio_escalat_b825a5" UNIQUE ("escalation_id", "loop", "step", "target_position", "contact_position"),
    CONSTRAINT "uid_notificatio_notice__8e43ec" UNIQUE ("notice_id", "contact_position")
) /* One message of one step to one contact (or to a channel, or a record of why nobody could be reached). */;
INSERT INTO "notifications_new" ("id", "loop", "step", "target_position", "contact_position", "target_type",
    "target_id", "user", "user_name", "channel", "address", "contact_key", "status", "attempts", "due_at",
    "available_at", "lease", "lease_owner", "first_attempt_at", "sent_at", "provider_id", "error", "created_at",
    "escalation_id")
SELECT "id", "loop", "step", "target_position", "contact_position", "target_type", "target_id", "user",
    "user_name", "channel", "address", "contact_key", "status", "attempts", "due_at", "available_at", "lease",
    "lease_owner", "first_attempt_at", "sent_at", "provider_id", "error", "created_at", "escalation_id"
FROM "notifications";
DROP TABLE "notifications";
ALTER TABLE "notifications_new" RENAME TO "notifications";
CREATE INDEX IF NOT EXISTS "idx_notificatio_availab_060dd2" ON "notifications" ("available_at");
CREATE INDEX IF NOT EXISTS "idx_notificatio_contact_807942" ON "notifications" ("contact_key", "first_attempt_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "notifications_old" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "loop" INT NOT NULL,
    "step" INT NOT NULL,
    "target_position" INT NOT NULL,
    "contact_position" INT NOT NULL,
    "target_type" VARCHAR(16) NOT NULL,
    "target_id" VARCHAR(255) NOT NULL,
    "user" VARCHAR(255),
    "user_name" VARCHAR(200),
    "channel" VARCHAR(64),
    "address" VARCHAR(1000),
    "contact_key" VARCHAR(32),
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "due_at" TIMESTAMP NOT NULL,
    "available_at" TIMESTAMP,
    "lease" VARCHAR(32),
    "lease_owner" VARCHAR(100),
    "first_attempt_at" TIMESTAMP,
    "sent_at" TIMESTAMP,
    "provider_id" VARCHAR(255),
    "error" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "escalation_id" VARCHAR(24) NOT NULL REFERENCES "escalations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_notificatio_escalat_b825a5" UNIQUE ("escalation_id", "loop", "step", "target_position", "contact_position")
) /* One message of one step to one contact (or to a channel, or a record of why nobody could be reached). */;
INSERT INTO "notifications_old" SELECT "id", "loop", "step", "target_position", "contact_position", "target_type",
    "target_id", "user", "user_name", "channel", "address", "contact_key", "status", "attempts", "due_at",
    "available_at", "lease", "lease_owner", "first_attempt_at", "sent_at", "provider_id", "error", "created_at",
    "escalation_id"
FROM "notifications" WHERE "escalation_id" IS NOT NULL;
DROP TABLE "notifications";
ALTER TABLE "notifications_old" RENAME TO "notifications";
CREATE INDEX IF NOT EXISTS "idx_notificatio_availab_060dd2" ON "notifications" ("available_at");
CREATE INDEX IF NOT EXISTS "idx_notificatio_contact_807942" ON "notifications" ("contact_key", "first_attempt_at");
DROP INDEX IF EXISTS "idx_schedules_notices_6f2be4";
ALTER TABLE "schedules" DROP COLUMN "notices_plan_at";
ALTER TABLE "schedules" DROP COLUMN "notices";
DROP TABLE IF EXISTS "notices";"""


MODELS_STATE = (
    "eJztXW1z2zYS/isYfYkz4+YcxXU96SfHca6++iUTK3edxB0KJlcSxxSgkJAVtfV/PwB8J0"
    "GGlESZovHFlgAsSD0AF4vdB8u/e1NqgeO9OqWEYZNdAptQq/cW/d0jeAr8g7rBPurh2Syu"
    "FgUM3zlSwvSbGlPZVtbhO4+5vIxXj7DjAS+ywDNde8ZsSoTQNQG0wEvEKHIBmxOE0dwD9y"
    "3/z/sb2eO5CxYyJ5gQcBAmFmITQNiyXPA8ZDMPEcrskQ0uIgCW90pc1qImv65Nxo1dYU7s"
    "b3MwGB3zHwsuv87Xrz3RraicUc+Wv+/PP/k3m1jwHTzRRHyd3Ru8LycNti2hleUGW85k2T"
    "lhH2RD8YPuDJM68ymJG8+WHGUStbYJE6VjIOBiBqJ75s4F4GTuOMEQhWPg333cxL/FhIwF"
    "Izx3xLAJaf8G4rKeYVxdD4ybs4Fh9HJDGkokxiAo4nCL6cBv1ZO/fixu4af+68NfDo/fHB"
    "0e8ybyNqOSXx79S8fA+IISnqtB71HWY4b9FhLjGNRoGKpDmxT5McAhnGUIhwUxxPGDsDMY"
    "x5gGj0ke0tMJdtWYJkQykPIb3UVIp/i74QAZswn/enRYgt9/Tz6d/nbyae/o8KW4IOWq0F"
    "eVV0FNX1alIQ40Tx2IEyIdhPj1wcFBBZBFs0KY/co00EJdGyrNWwx0QqSDQPd//rkCzrxV"
    "Icyy7vFRrHOje6VSDtfINOIfqAv2mPwOS4n7Ob9JTExQ4ByYJZ+DbnYM78dwQoWl8ZLr4k"
    "VkGCTnGf/t/BcD82fmyc3pyfuznkT4Dpv3C+xaRgpqUUP7NFMStc1XTfvTbAkmeCzBEb9C"
    "3HOA+plnYgcHPzpnKiZqS+1EiNpVsxGL0VVYYRmL6yt/MDGbywtxPHntV77IO7a5DOAVhb"
    "XMsmLlsEm98LSGWVorVFnh+sUrXD9Y4coMtcSAVEU7JdRBZbx5w8JHLI/xf26ur8owVgBs"
    "2SZD/yDH9nbRKC4BVmAhep563jcnCeje5ckfWaxPL67fBfs9NnZlL7KDdxngvfl0il0F8g"
    "P4XrARSYh0Ym6XQD44+2NQDvl0GdRcXF/9O2yeHYc05BYwbDsKI7p4sidE9GxfY7ZbYM1n"
    "xj0o5nuxNk8JrTTjgwWyLag3ZFkngaYzIHVxTspsBOY2GSpNgBybj1UhjiU6obkze/GjKj"
    "vxo+J9+FEWYNMFAYaBWR7k97yG2VMocCylJLM6OxB9FX7YQejLFs3zy7Obwcnlx5T6fn8y"
    "OBM1/dSqGZbuZYcl6gT973zwGxJf0Zfrq7Oslo/aDb70xD3hOaMGoQsDW0lMwuKwKO1smV"
    "krDnNaUg9zq4cZm/e8ygFrvNJYK8Q3MOAtMw06O953tUwRhag2/CrZJHz8qPOw0gOWEdUP"
    "V5sfrmiw6j1YGTH9UFU09GHmGRYlkMe6MF6cFtpexPigKZw3HC625rCCkoqltqKftrlj3X"
    "X1lIvsFQei4lng82fMOOSTngzvAvEPv3+COH6kjvtdJbraPTVWFP57bDJod4GXMjSWi9f5"
    "FftloTpHNKnI5DpBLmVyYJAU+xUNQzrNEFHX4h2hmQsmWEBMQHsYTezxBFxEBUHLJt7LPH"
    "drA33eklsy9Bh22VCSu4ZArCG6B5hJnheD7wxhDy1cmzEgb9H5zTU6Pjp4zcXZBA2/DNGI"
    "ulwS2TIozfZvCf8uKumciXI6GnnAZKsFdpyfTIea90hop320mNjmBNmeYJ5ZvAd5Sc+cgD"
    "V34IV3S/4SNypZaUIA7XlU0NImmIyBd4xk9ZQ+gJfs2x8V/wZt9rKYkBZeKXj6NSlNk9La"
    "oAY3bWXI/zUM5LB9B/2z/UpUqX4JU6qvJkrVCqVFAjqQtkYgLVz6DA6AwoYu2QBmBTs40Y"
    "8rTPPjwkl+nHOphJAFF6iunRWSWkkrlLQ0wWrG0dyuzt7DKlr6sFhJH+Z0NLdq64AbNO+e"
    "b2jzyHINzW/ALNi8Fi+CWTm9Fq5DoQp2MjVJghmxDmqSzdAESwjbyT3kmqTtm0RXOwZ6Ve"
    "J2ZsK1ibwtXGcm9BSOoKBmv8wTRGSbBgjbaS+FN7FHzIiW/vC0gH/19VwXmri9ceJ2ZrTq"
    "+PgzoprW0TpXf9YDUOeJik7Cdm/BbST4SCINXHHXGQvozWY7jqm2ele0+cMkU5vMGXjGHY"
    "y4GagwDh2KC+ZuXjQD+EjI7uAsLsH4/fXndxdn6OOns9Pzm/NggxSpeFkpzZ9vju0bi5/O"
    "Ti7aF0zfIcR3bo31gKzC6EqIabZEm4d3+4fAWrYkPaMzYLuDfCPeOn2m43moNO2U1U7Zp3"
    "+WmnbKaiJjO4iMKcgK3NhJSMud2alxrJanbgqeh31inuDlCfK3yConPge579AedUURDvPJ"
    "7SNBHkQumNS1hOBiskSE3lFryWXmjoXuwE9LB5aC/7iVqwqGpCBaLnipQ8nYk30RFOdpQW"
    "H/vHuLjkbIdz+hvaH/YbiPPBBERYH0v4JQwavZ8uU+IvAALrqjbOIzMR3AHgwFJVKyL+k9"
    "CAal/GI62J7yT5ihCeUTQhaK21pMbAfSmfi4PL85B6y3fivw+PzmpbckIHJyfJylT5GUnE"
    "s+Vfyr8Vv1fx0Z24IkOqEeIHlXyBVszjnjPRN+IUT5nYvegDenIlzxoiT3H6SS3ziUzuR+"
    "ng+WP/Nc3thIMvnCbIkxL1Pkpon9evn6XGqbsEl0Btz1GLecGExn4r9ObPPU8ZFwGlR06o"
    "bNtUtXyR+COliGzTWWCiwV6qgirApJjbAqAJHV3tUhVolqjItnsQSlxmqWEevg9nPzSToC"
    "zOqZDSmhDsLcSCR4q5H2lu0qtwSvUfe8SEqog0A3cWZER+A7mCe61Qg3lSY6t8uuOJvTYt"
    "3D+02/Atpv+oVYiyqda22rZlzgG1JAXLgbSYro/BYtzG/RtjncpQAnfsC2xHmVVGYZWU3O"
    "afFAS/9/nYUnEtDr+o/XdQmWQRek3tY2I9Y9pF9XNVjL7NUs2LkoUE29pZLXaeLarLw8IK"
    "sMdEJMj2+bx3fm0gfbqv2uooxY99RnIw5CcF2qWKWKSbqRQBcA3jZFVxNFn4UGi8kxNXVY"
    "TrALD1kzLJTsYcKaSKeENMpqlEsYuWn+15qc3PSb1HYL96qk3NyjrablVjklWxvfOOFBN7"
    "FNPcxtykFx/cDNJW6U9hT03ahuv4y6S4NWzb86UJMnt5FnqZg8qXMONP5mI3clv0FCTtvd"
    "7ba7VzpRvNEDxRWGVwctVhtdvXl+FsOsT1nqU5YteJZ2OfXdR/89xopNx8foDcfFWw75Fm"
    "Rb7zieeMexKQZl8Y5D55FvlhOcvLMczMURlozY9tDu9Z7APGkizOLCDFRWYnFS80hAc/5y"
    "R7u02f0czG79wtrODnPO5K+S+0O+6i8/Ferk/PCNzZvgZPJuDvp2U34kECs03kM8f2DAL4"
    "1oBDedwHoWbSL0S7a2uCTrl2xt9agDV29LI8jdqvCIFOd7zUnqdK9V0r0GWqsm6S8p1MF9"
    "aeM+v1iXr+nxiz1LOwZ4VX9faqqtnlPNzxKwEctqILvqEORbsK0CzAqtqxjTH9pXiZGs8r"
    "bY0F+8j0TkXqQYCw6AI+wnOQuSfXm/omGUSiLIHIYZ/8MRfeEh21K9NnaznatfWxJmGNI2"
    "n7b52qFHNp5hp25qHZ1Tp8jw2KWcOk+Ykq8ZohPMlDCXJo9TY/x89UJZnFyZmm9Fi7lj7r"
    "Gs1ZyYWm2KkEf8BIUhmOQuFBuBocWlw+Q6TK7D5DpMvoNhchGO+4uSeiZvQmaLkH8enDaF"
    "etN5yx7A9ert0xISmo6g6QjPJk6t6QjPbpgTr1lOj3HxO6sSIvqdVau/syqA0Zg5mKzwlC"
    "nEdcavlj1oK/F+HLzk5sd64akL0cfuatZ8XEqRbsCliw28EqnSqeydhCl1cHl1kJKnpLsC"
    "U5OOrc+e9CHlnFqfg9PCxQ4tETjUzqzOxAO0P+up/Fl6h9pZi0rvUJ/FMK9kOAcJ8Ne0d0"
    "79Xi75+kmt3R367Ro9J+Da5kRl9gQ1pYYPjtu0xvLR9Kg16VGFXvdiO6fY7d4JU6cJqol4"
    "qGogHDTvILqNpLYWKwoQhXlR7BxNiKzlHG0b2tvwjtZY9Te/mD3+H5d7WR8="
)
