from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "escalations" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "policy_id" VARCHAR(64) NOT NULL,
    "policy" JSON NOT NULL,
    "summary" TEXT NOT NULL,
    "details" JSON NOT NULL,
    "dedup_key" VARCHAR(255),
    "open_key" VARCHAR(255) UNIQUE,
    "status" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "acknowledged_at" TIMESTAMP,
    "acknowledged_by" VARCHAR(255),
    "resolved_at" TIMESTAMP,
    "resolved_by" VARCHAR(255),
    "steps_done" INT NOT NULL,
    "due_at" TIMESTAMP
);
CREATE INDEX IF NOT EXISTS "idx_escalations_due_at_67e6c0" ON "escalations" ("due_at");
CREATE INDEX IF NOT EXISTS "idx_escalations_status_3c4979" ON "escalations" ("status", "id");
CREATE INDEX IF NOT EXISTS "idx_escalations_policy__052c95" ON "escalations" ("policy_id", "id");
        CREATE TABLE IF NOT EXISTS "notifications" (
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
CREATE INDEX IF NOT EXISTS "idx_notificatio_availab_060dd2" ON "notifications" ("available_at");
CREATE INDEX IF NOT EXISTS "idx_notificatio_contact_807942" ON "notifications" ("contact_key", "first_attempt_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "notifications";
        DROP TABLE IF EXISTS "escalations";"""


MODELS_STATE = (
    "eJztXW1T4zgS/iuqfBmmip1iMixLzX5iGOaW2wGmINxtDWwZYTeJC0fK2gqZ7B7//ST53Z"
    "aMHZLgGH0hRFLLztNy61Gr1f6nN6YOeMG7Q0oYttkJsBF1eh/RPz2Cx8D/UTfYRj08maTV"
    "ooDhW09K2GFTayzbyjp8GzCfl/HqO+wFwIscCGzfnTCXEiF0RgDN8BwxinzA9ghhNA3A/8"
    "g/eX937nDqg4PsESYEPISJg9gIEHYcH4IAuSxAhDL3zgUfEQAneCcu61CbX9clw5VdYUrc"
    "v6ZgMTrkPxZ8fp2rq57oVlROaODK3/fnn/ybSxz4AYFoIr5O7i3el5cH25XQynKLzSey7J"
    "iwL7Kh+EG3lk296ZikjSdzjjJJWruEidIhEPAxA9E986cCcDL1vEhFsQ7Cu0+bhLeYkXHg"
    "Dk89oTYhHd5AWtazrNOzgXVxNLCsXkmlsURGB1ERh1sMB36rgfz1Q3ELP/Xf7/6yu/9hb3"
    "efN5G3mZT88hheOgUmFJTwnA56j7IeMxy2kBinoCZqqA9tVuRpgGM4qxCOC1KI0wdhYzBO"
    "MY0ekzKkhyPsqzHNiBQg5Te6iZCO8Q/LAzJkI/51b7cCv/8cnB/+dnC+tbf7VlyQclMYms"
    "rTqKYvq/IQR5anCcQZkQ5C/H5nZ6cGyKKZFuawMg+0MNeWyvLqgc6IdBDo/s8/18CZt9LC"
    "LOseH8U8d3evNMrxHJlH/Av1wR2S32EucT/mN4mJDQqcI1pyGXWzYXg/xgMqLk2nXB/PEm"
    "KQHWf8t/NfDCwcmQcXhwefj3oS4Vts38+w71g5qEUN7dNCSdK2XDXuj4slmOChBEf8CnHP"
    "EepHgY09HP3oElXM1FbyREja1eOIenQVLKzAuK74g4nZVF6I48lrr/gk77n2PIJXFDaiZX"
    "rjsEy78LLELG8V6sxwff0M149muCqillFIXbRzQh00xssnFiFiZYz/fXF2WoWxAmDHtRn6"
    "H/LcYBNJcQWwAgvR8zgI/vKygG6dHPxRxPrw69mnaL3Hhr7sRXbwqQB8MB2Psa9AfgA/NA"
    "uRjEgnxnYF5IOjPwbVkI/nUc3Xs9N/xc2LeshD7gDDrqcg0frBnhExo/0Zo90BZzqx7kEx"
    "3vXWPCe00IiPJsi2oL4iZp0Fmk6ANMU5K7MUmNtEVFYBckof60KcSnTCchfW4nt1VuJ7+n"
    "X4XhFg2wcBhoVZGeTPvIa5Y9A4lnKSRZsdib6L/9lA6KsmzeOTo4vBwcm3nPn+fDA4EjX9"
    "3KwZl24V1ZJ0gv57PPgNia/o+9npUdHKJ+0G33vinvCUUYvQmYWdLCZxcVyUd7ZMnAXVnJ"
    "c0am61mrF9z6s8cIYL6VohvgSFt4wadFbft42oiELUEL9anITrj3oPCz1gBVHzcLX54UqU"
    "1ezBKoiZh6om0YdJYDmUQBlr7X5xXmh9O8Y7q8J5ydvFzhQWMFKp1Frs0zpXrJtunko7e/"
    "qNqHQUhPEzdrrlkx8MnyLxL7+fQ7p/pN73O810tblUv7T/97jKXbuveC73xkobdmHFdtVe"
    "nSea1AzlOkA+ZVIzSIr9im7ieJobRH2Hd4QmPtjgALEBbWE0cocj8BEVEVouCd6Wg7eW0O"
    "c1uSY3AcM+u5HRXTdAnBt0DzCRgV4MfjCEAzTzXcaAfETHF2dof2/nPRdnI3Tz/QbdUZ9L"
    "IlfuSrPta8K/i0o6ZaKc3t0FwGSrGfa8n2yP2vdImKdtNBu59gi5gQg9c3gP8pKBPQJn6s"
    "Gb4Jr8LW5UhqUJAbQVUBGXNsJkCLxjJKvH9AGCbN+hVsIbdNlbfURafKXo8TdRaSYqrQ1m"
    "cNk0Q342YMhx+w46aPu1YqX6FaFSfXWkVKO9tETA7KQ9YyctnvosDoCCRFesAIuCHRzo+z"
    "WG+b52kO+XfCoxZNEF6ltnhaQx0gojLSlYw400v6ujd7eOld7VG+ndko3mrLYJuFHz7jmH"
    "lo8st9D8BmzN6lU/CRblzFz4nBiqaCXTMEqwINZBS7KcOMGKiO3sGvKZUdsXma42DPS6kd"
    "uFAdem6O2c70zhDir61vReoZJDr945vzEEAQ79GsKtIZzn4lSe+D86O4i2qC+KcHwebxsJ"
    "3wvywaa+IwRnozki9JY6cy4z9Rx0C+GxPnAU7qO1XFU6mDzAAdwIT490KtF7EI4h+cX2sD"
    "vm/2GGRpQrShb6dCacQx7kTxhyeRt7Hjgfw1YQ8FHMS69J5J/i9+3NQ8+PdCVxFYZX20bC"
    "dUQQtwuu8H2NaABI3hXyhZNqynjPhF8I0QfwRW/Am1PhK3pTcaYRckH9HqUT8SlADEeEzx"
    "tbWQdFfApU6266SpoksWt+wCzMf914Ij5NQP5LB+THaq65Aoqbm2WPctkDTbCMmxssFVgq"
    "zE1NWBWSBmHV+d6i9a4PsUrUYKwfxRKUBrNZQayDS5nlBxdHmDWjDTmhDsK8kvAZ9bne6p"
    "PU3XRArQxeq+k2V06og0CvYqvrBRJctBrkTuS3aDXCq0pvUVpl1xzNebHu4f2hXwPtD30t"
    "1qLKnBFbK42LfEMKiLWrkayIicttYVxu28bwpkfm5p6XB+xKnBc5glWQNSHYLVa09O83mX"
    "gSATOvPz2vS7AsOiPNlrYFse4h/b4uYa3iq0WwS7tADe2WSt4cb2uz8QqALKLojJjRb5v1"
    "O/Hpg+s0zrFYEOue+VyJgxB8nypmKX2GqUSgCwCvO72USVryKixYGvzS0IaVBDvo5llOGE"
    "pF4GE+9OiZoYf55KQbBnzd4MPSsGtT+OHZA59y+MTeU4QeJnXbVWGHNGq1+rSxJgBtHSH2"
    "+gC0te4mt+1pX09WO3+htVdGznCXdnMXsgg9TaXWo17j+F1Mu2YB8irUbE49mVNPLXiWNv"
    "nU07cwh71i0fEtyW6vX3LIDPiuWXG88IpjWVFo+hWHSSGy2rjK7J2VYNZ7qQti60O713sB"
    "erIKV7UPE1CxRH0+i0TAxE2VjscY2v0aaLdJVt5ZNZcov56VFnLDlodCk8SVIdm8iE53bq"
    "bS15u2MoOYlrzHeD5B4OdWosHlkvir7CuyTH7F9U3JJr/iWsPFuXmbW2OXTBko7OAXj2It"
    "fy9IFvC9E6IbiHAFfJ/PLj99PULfzo8Ojy+Oo1RIybwnK0URL3BDB8n50cFX5av6zBsR1+"
    "vz070gsbHHL/UsbRjgdf19uaHW1NtXPJ69FGY1kF11CPI1cKsIMy27SjF9kl9lNFknUXjs"
    "L95GYudeZFuKDtEiHCZoihIiBb+im+Q4fpRdCTP+hyP6JkCuo8oYvtzO1Xm14ywthvMZzt"
    "cOO7L0LCVN05OYvCQ64rFJeUk69/pOmChhrkzApcb49dqFqn1yZXqzBRlzx9xjRdacGVpt"
    "2iFP4hMURDAbu6AngTHjMtvkZpvcbJObbfIN3CYX23F/K1/+V0HIMjJrhPxycLgq1Fed++"
    "kB/KDZOi0jYcIRTDjCq9mnNuEIr0LNC4UjpC9lXNxrnrz7cTMVXnaXZx+Y3EHBxTHKnkrs"
    "CkyrXEheBur3jF4GT71mNHlfnFk8dsH/ZtaPL7V+NIyws1TBMMJXoeaFGGGUtPeZfOcw7O"
    "WEz5/U2VzVr5f0HIDv2iMV7YlqKokPTtu0hvmYcIRnhiNovVx6nqN3c3WC6qxia1c8VA0Q"
    "jpp3EN2VpOMUMwoQBb3Qv+80I2JeddrwVacNZv3lT2aP/wcnBIMG"
)
