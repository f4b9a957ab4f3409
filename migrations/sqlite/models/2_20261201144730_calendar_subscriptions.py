from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "calendar_subscriptions" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "user_id" VARCHAR(255),
    "name" VARCHAR(200) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "schedule_id" VARCHAR(64) REFERENCES "schedules" ("id") ON DELETE CASCADE
) /* A feed of one schedule, one schedule filtered to one user, or one user on every schedule. */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "calendar_subscriptions";"""


MODELS_STATE = (
    "eJztXf9T27gS/1c0+aV0hutQynFM7ydK6TvetdAp4b2bwo0jbCXx4Eg5SSbN3eN/f5L83Z"
    "aNHeLgGP1CiLQrOx+tpd3V7vqfwYw4yGNvTqCHsAPppX/LbOrOuUvw4D34Z4DhDIl/Kul2"
    "wQDO5wmVbODw1lOMdshhsRSLIoG3jFNoc0E1hh5DoslB6asPjsEYIQeQMSAYAWZPkeN7gi"
    "79DYxdjyMqyDhRHT5DVJDQ+Iv4B6B7RJcxzxt5eYfY4vounrR6pRt8g0eyz3KdEZBoMgDB"
    "HFEmaCGLCRlwCNjBJBiHIptQB2BxT8h5/QZ8RB7i4lYBn6bux5GtiN1gl4uB0vDuAkYkrU"
    "uB5+I70cvJHCwIvRODqF/vY/cvH1mcTJCgowKD6z9Fs4sd9AOx6Ov8zhq7yHMyouA6cgDV"
    "bvHlXLWdTCH9pCglsreWTTx/hhPq+ZJPCY7JBfCydYIwopAjJyUC2Pe8UHaipuBeRQOnPo"
    "pv0kkaHDSGvicFSXIHd5C0DSzr/GJoXZ4OLWtQELKIIyUNYZMtgBQC6mLO1O+fwR+WkOUJ"
    "n4qvB3sPwXUSHAIqecH/HH87+e34287B3mt5QSKkPHgYzsOefdX1oIaAHAaDKNQTmEOhaY"
    "J1imUlwEM4Y7wjkgTw5EHdOOL7P/9cA3JBVYq56pOgJyCrzwYIR/Trkedu4btXR6QFVTm+"
    "e3t5fDm5Q9iaQjZtgnKWq3drx+FBDaAPD0pxll1ZmG2KJBQW5EWYP4oe7s6QHuosZw5qJ2"
    "R9E/2zhUJeAfXw7Mvp5fD4y1c5/IyxvzyF1/HwVPbsq9ZlrnXnMDct8SDgv2fD34D8Cr5f"
    "nJ8qOAnjE6qumNANvw/kPUGfEwuThQWdNCZRc9SUmeZo52+4LeTY+rc1rOeBkgrP+E67F0"
    "cIFlH/RChyJ/h3tFTYn4m7hNjW7RGhBn2ZGmq7MH+I5CpqTW6RwkWsKObFTUAQKKpKSI8v"
    "T44/ng4U2LfQvltA6lgZ1GUP2Se5lpi22DXbn+VbIIYTBZD8JfK+I/OFYC4sji9C5yVZpV"
    "ZLUG3YBKTWTNHWtGguhKWwgEtpQYiF154KW0Aqbe/Fpxhv7E58aV/YU4gx8gDEjtL4xRIh"
    "VhEGpJ6PCXfFr6XKOGBFS6aVK2ishWulbYarnKt+359PsSDOMG9gQEjpyz1AoSh2VweYyF"
    "v4af/twS8HR+8OD44EibrNuOWXilXs7Hz4iL0QT0N9aNMsjwO8BZv9ejBO6VXBY9Jks02x"
    "9NBIWL/qGq48TSBOsfQQ4rd7tQwxSVYKc9CZBfoZ/AndBnptDoUKxTHaI5+oNF6Fw2wZ3n"
    "U1xpScdUlbPGU29GCZKzzVW6knopiuno5Yju7jPttr8WBC7qsLCTxF77XY5D3XXobwykbj"
    "2K1cFerscPvlO9z+wWOO3cyE1EU7w9TDxXj9ikWAWBHjf19enFdhrPODuTYH/wOey7ZRKa"
    "4AVmKRcX5FgO58Of4jj/XJ54sPea+WHOBDDnjmz2aQapAfoh8lhkiKpReyXeV0PP1jWA15"
    "7HP8fHH+r4g8Pw9ZyB3EoetplOhyYU+xGGl/grQ7yPHn1h3SyHv5ap5h6p8/tpWjOjJHuC"
    "nOaZ61wNwlRaUNkBP1sfbhQszRi5U7Z4sf1rHE80dCKTv80JzUvciTOn/urDjNWU4zzZ2e"
    "ZmjfiS4POZOV5lrDvoYJ75hq0Nv5vm2kimhYjeJXSycR80e8+5UesByrebi6/HDFk9Xswc"
    "qxmYeqpqKP5sxyCNbEtJSeF2eZNndivNcWzms+LnZ8tMIilXBtZH3apMW67ctT4WSv/CAq"
    "FVOs4mfs5MgnKwwfQvZPv39DyfmR/tzvPDXU9qr6hfO/hzZP7T7DpTobKxzYBR27VWd1ni"
    "SpnZxCCVczAxTbr2AUxdOMAKGOGAjMKbKRg7CNwA4EU3cyRUG2yMLF7LUuDeXJY6qEE8Yh"
    "5SMV3TVC2BmBO4TmKtCLox9c5p0sqMs5wu/B2eUFODrceyvY+RSMvo/AmFDBCVx1Ks13b7"
    "D4LjuJz2U7GY8Z4opqAT3vJ9sj9h2Qy9MuWExdewpcJkPPHDFCJl/lFbvBf8sbVWFpkgHs"
    "MCLj0qYQT5BMvlHdM3KPWHrsYFaCG3T56/KItHSYpolK2+AWaKLSNqlmmKSVdpNWZDhKo7"
    "O0mMGcpD3hJC3a+iwBgEaJrrAA84w9FPSjGmJ+VCrkRwWfSgRZeIH6q7OG0yzSmkVaqWAN"
    "D9JoX6V3XdmyCbxCq20CbkjeP+fQ+pEVK7S4AbvEei3fBPN8Zi98SgzV82X6dQ36F5Hq1z"
    "XQe5Drl/GdadxBed9auVeo4NCrl+c3Q4zBwK+hyohw6YIJKoeEuYNgh1DZBKN8PFVNBEbl"
    "PwTjYroEmNwSZyl4fM8BtyhI65NlQQruo41cVTmYPAQZGklPj3IqyXx9ySi/2B50Z+I/yM"
    "GUiIlSjZQspHPIQ9kMQ8FvQ89DzvuACjEhxaL1Bof+KXHf3jLw/ChXkpjC4GqqwgnEQKwL"
    "rvR9TQlDQN0VoNJJ5XMxMhYXAuQeUTkaEuRE+opeVeQ0okxQv0fIXH5KEAOJoILYSjsooi"
    "zQUnfTdUwSx65Rxi0oft1sLj9NQP5zB+RH01zTAorIjdmjNXtQEywjcoOlBkvNclMTVg2n"
    "QViX35tfvetDrGM1GJdLsQKlwW6WY+uhKbP+4OIQs2ZqQ4aphzC3Ej6jz+utzqTupwOqNX"
    "itpsdcGaYeAt3GUdczFLjoNMi9qG/RaYTbKm9RsLJrSnOWrX94v9uvgfa7/VKsZZfJEduo"
    "Ghf6hjQQl1ojaRYTl9vBuNyuyfC2R+Zmnpd76CqcV0nByvGaEOwOT7Ty7zfZeGIGs68/vq"
    "8rsCyywM1M2xxb/5B+W1dhrdJX82AXToEarls6fpPe1uXFiyG8ykSn2Mz8dnl+55Tcu07j"
    "Gos5tv4tn604CBGlRLNLlVeYihn6APCmy0uZoiUvYgVLgl8armEFxh66edYThlIReJgNPX"
    "pi6GG2OOmWAV83+LAgdl0KP7y4F1uO2NgHmtDDuG+3KuyQhFTtl401AWjP/6qvpiedfV1m"
    "W6pqR1eyvVJ8Rnfptu6CV1FPE67NTK9x/K42u8YAeRHTbLKeTNZTB56lbc56+hrUsNcYHV"
    "/j6vblJoeqgO8ai+OZLY51RaGVWxymhEi7cZXpOyvAXO6lzrFtDu3B4BnUkzZc1RTNkU5L"
    "LK9nETOYuKlCeoxRu1+C2m2Klfd2mgsqf7lWmqsNWxSFJoUrA2XzMszu3M5J32zZyhRipc"
    "p7hOcjCvzSimdwvUr8dfoVWaa+4ua2ZFNfcaPh4mJ5W1ozF/scadbBTx6Bpfp7jjOH71iy"
    "biHCFfB9vLj68PkUfP12enJ2eRaWQor3PdUpm0SDGzhIvp0ef9a+qs+8EXGzPr+yFyQ29v"
    "glnqUtA7yuvy8jak29ffn07LVoVkM1VI8g34BuFWJWql0lmD6qX6Vmsk6h8MhfvAvkyb2s"
    "thQm0QIYFGgKCyKxX8EoTscPqytBLv4IRF8x4Dq6iuHrHVxfVzuq0mJ0PqPzdWMdWXuVkq"
    "blSUxdkjLFY5vqkvTu9Z1oroW5sgCXHuOXuy5UnZNry5utqDH3zD2W15pTotWlE/I4PkGj"
    "CKZjF8qVwEjjMsfk5pjcHJObY/ItPCaXx3F/a1/+V6GQpXg2CPnV8KQt1Nuu/XSPKGtmp6"
    "U4TDiCCUd4MefUJhzhRUzzSuEINhRLtAOpxfzbGLUnetFPwjEvU0PWkIdu5oEXnemZsi7x"
    "Oy1Xhyt+deZ2Pi/VAGXyLFfHKJ3U2ReY2rTDr5j+Na1X7LG3tMav2zO2dx/cl8b8fi7z2y"
    "jUvdW0jEL9IqZ5NYU6qHn8VBU6GOWL2D+Js71Tv1ml5xhR157q1J6wp1LxgQlNZzQfE83x"
    "xGiOUidhuZ5T7iXsharTxsm4fKgaIByS9xDdVqqZyh0FYY16Uf662BSLeVNswzfFNtj117"
    "+ZPfwf7D8iVg=="
)
