from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "policies" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "repeat" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "policy_steps" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" INT NOT NULL,
    "delay_minutes" REAL NOT NULL,
    "policy_id" VARCHAR(64) NOT NULL REFERENCES "policies" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_policy_step_policy__5859be" UNIQUE ("policy_id", "position")
);
CREATE TABLE IF NOT EXISTS "policy_targets" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" INT NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "target_id" VARCHAR(255) NOT NULL,
    "step_id" INT NOT NULL REFERENCES "policy_steps" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_policy_targ_step_id_06a39f" UNIQUE ("step_id", "position")
) /* A schedule, user or channel a step notifies; `target_id` is that thing's id. */;
CREATE INDEX IF NOT EXISTS "idx_policy_targ_target__93bc2e" ON "policy_targets" ("target_id");
CREATE TABLE IF NOT EXISTS "schedules" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "layers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" INT NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "users" JSON NOT NULL,
    "rotation_unit" VARCHAR(8) NOT NULL,
    "rotation_length" INT NOT NULL,
    "start" VARCHAR(40) NOT NULL,
    "end" VARCHAR(40),
    "restrictions" JSON NOT NULL,
    "schedule_id" VARCHAR(64) NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_layers_schedul_76eb35" UNIQUE ("schedule_id", "position")
) /* A rotation layer; `position` orders precedence (a higher one wins). */;
CREATE TABLE IF NOT EXISTS "overrides" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "user" VARCHAR(255) NOT NULL,
    "start_at" TIMESTAMP NOT NULL,
    "end_at" TIMESTAMP NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "schedule_id" VARCHAR(64) NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_overrides_end_at_628f31" ON "overrides" ("end_at");
CREATE TABLE IF NOT EXISTS "users" (
    "id" VARCHAR(255) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "contact_methods" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" INT NOT NULL,
    "channel" VARCHAR(64) NOT NULL,
    "address" VARCHAR(1000) NOT NULL,
    "user_id" VARCHAR(255) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_contact_met_user_id_eb54bc" UNIQUE ("user_id", "position")
) /* One way to reach a user: a configured channel and the address its notifier needs. */;
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXFtz2jgU/isaXprOpJ2EpWmmfSKEbNkmoRPobqdNxyi2AE2MRG1Rwnb57yvJV3yrTQ"
    "wBRy8hls6R5e9IR5+OLr9qE2og037dooRBnV0hNqZG7R34VSNwgvg/yQKHoAan0yBbJDB4"
    "Z0oN3RHVJlJW5sE7m1k8jWcPoWkjnmQgW7fwlGFKhFKXIDCHC8AosBDUxwCCmY2sd/yXlz"
    "fEo5mFDKCPISHIBJAYgI0RgIZhIdsGmNmAUIaHGFmAIGTYr8VrDarz92Iy2tgbZgT/mCGN"
    "0RH/WGTx93z7VhPFiswptbH8vu/f+RMmBnpAthARj9N7jZdlroKNJbQyXWOLqUzrEHYhBc"
    "UH3Wk6NWcTEghPFxxl4ktjwkTqCBFkQYZE8cyaCcDJzDRdE3k2cGofiDhVDOkYaAhnpjCb"
    "0HYqEKTVNO2629d67b6m1WIm9TRCNnCTONyiOfCq2vLrR6IKr+rHjbeN0z9OGqdcRFbTT3"
    "m7dF4dAOMoSniu+7WlzIcMOhIS4wBU3wz5oQ2r/B5gD84shL2EAOKgI+wNxgGmbjeJQ9oa"
    "QysZ05BKBFJe0X2EdAIfNBORERvzx5NGBn5/N29aH5o3ByeNl+KFlLtCx1Veuzl1mbUKse"
    "t5ikAcUqkgxMdHR0c5QBZiqTA7matAC3etJXnedKBDKhUEuv7mTQ6cuVQqzDJvuRTj3PA+"
    "0Sl7Y+Qq4hfUQnhEPqKFxL3DKwmJjhJwdmnJZ7eYPcN76TUoLzUYci0494lBuJ3xb+dfjJ"
    "jTMpu9VvO8XZMI30H9fg4tQ1uBWuTQOo2k+LLxrEl9Ek2BBI4kOOIrRJ1d1C/hQnKdGEt0"
    "MjLZoSlEcpLCJrAog+IJSLX3YOCNzANALYMXBKYW0pGBeCsBBxCM8YjTMEAF18PEfhmngS"
    "WUeUtuyYC3TIsNJE8cIGIMwD1CU0kZGXpgANpgbmHGEHkHOr0uOD05OubqbAwGXwdgSC2u"
    "CbBs3+zwlvBnkUlnTKTT4dBGTErNoWm+0k2q3wOGJxyj+Rhz7optQWINXoJ8pa2PkTEz0Q"
    "v7lvwrKioJrlAABzYVDJcPviPECwYye0J/IjtctmMVp4KYvUzntt6bFL9V/HaHHGrZ/Fb+"
    "FiAEnnwV2UAu1lXPIF31ZM6VQG3/6nWv0xlXErE1sM7Af8DE9j422wxgBRSi5Ilt/zDDeB"
    "5cNb9EoW5dds9cj8xGlixFFnAWgd0b+jQOACvSvmOKFWzopzma+WlqIz+NNnEfMvcF+b1z"
    "gqZy0glOWlKwIq3YV6hg623k8dKNdCfdiPlozmqLgOuKrwWtS8eeC7LcQ/MK6KJahQbBqJ"
    "4aCx8xFnozmYKhn4haBT1JOaHMjNhPeA75yPhPL1TUnoGeNwYUaXC7FAfq/kSWhQ1USwgF"
    "+XmHWdEg6krlCwilY5sQq3hMTCK9+5fZ6582KrGRMS49SpEc8M0OsVfUwZYWX4+RYQ0m8O"
    "FzjpMIBWZwYlcvyidcxdfeP3uIfAbQ/c5Vu9dvXn1aoRbnzX5b5NRl6iKSenASsYlfCPin"
    "0/8AxCP42r1uRxmIL9f/WhN1gjNGNULnGjTCmHjJXlKUkK9h4EBrO+bdphOrknV1Cwnc17"
    "DwqqbqxDttZjXtUNOOHehL+zzt+ERNrC9qCZMON+cwa8oxFTJYzTieeMZR1oap9BmHWsPb"
    "7BpeuGYxmPvoIWV1I6K2PbRrtSegJ+0v/ezIpc9OLrvXf3ri0XBmNHw8RUksMX1ByVfY3j"
    "rS0aYadtk7WRXtfg60ezY11jTzqqYy886ZOUb501lpOFyGpglrb2eu2sXHG2TClDFqhWz2"
    "eEH7a/TYNGC5eeIuEUsl7x6evyHwC823YLkk/ptbvts61QZHtcFxF/pr2bSH9yq40CaYzB"
    "hK8IMXJoWp/D2iGcF3KFT3EOEM+M67n88u2+DTTbvV6XXcvQj+uCczRRJPwE6A5KbdvIwA"
    "7nqtYnP/FaUKzks3HvMLfPkjI35BZGnPAM8b71tpakWjfQHgDFp8LC2FWfVlURWCfAvcys"
    "UslV0FmP6WX4UsmeekjhcvPpSnqgG1gqPUQFA17/S0/R4MnKJ5WxuIgyxsDBn/wxF9YQNs"
    "JB3ZKbfw5IMtLu9UnE9xvh3xI2VzPolGAfbhyVeQeByf5DlJHI1khM4Rn0Sj4b7bKYRwWG"
    "lTMD/dGs+GNjqhaSLMqY4hpKH8gusXstbJ3ZGwFMZcsfBYlDWHmtYurZD7+xMSiGB470I6"
    "CfQYl1omV8vkaplcLZPv4TK5WI4Ttx0UImQhnS1C/rnf2hTqm76m6Cey7GLztJCG2o6gti"
    "M8m3VqtR3hWZh5re0Iwa1I60fN/cuX9tPg8XB5uMOsHBRcH6PwqcSqwLTJiaS8Xy1hEund"
    "u5Y+gfQvbFGTxyrE39T88anmj4oRVpYqKEb4LMy8FiN0b1F/JN+JXdu+n6bfLulpIgvr4y"
    "Ta4+ZkEh8YyOwM81HbER65HSE1ypXOc9LDXJWgOptY2hWdqgDCrngF0T3Oe9N51kXnMSLJ"
    "xwJEEuhF+oVjIRV111jBu8YKjPrlD2bL/wG+BK+U"
)
