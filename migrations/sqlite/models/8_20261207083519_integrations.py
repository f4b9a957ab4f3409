from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "heartbeats" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "policy_id" VARCHAR(64) NOT NULL,
    "interval_minutes" REAL NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "rate_at" REAL,
    "rate_taken" INT,
    "last_ping_at" TIMESTAMP,
    "expires_at" TIMESTAMP NOT NULL,
    "due_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_heartbeats_policy__2fc992" ON "heartbeats" ("policy_id");
CREATE INDEX IF NOT EXISTS "idx_heartbeats_due_at_53305b" ON "heartbeats" ("due_at");
        CREATE TABLE IF NOT EXISTS "integrations" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "policy_id" VARCHAR(64) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "rate_at" REAL,
    "rate_taken" INT,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_integration_policy__f58875" ON "integrations" ("policy_id");
        ALTER TABLE "escalations" ADD "integration_id" VARCHAR(64);
        ALTER TABLE "escalations" ADD "heartbeat_id" VARCHAR(64);
        -- open_key is now VARCHAR(400): SQLite does not enforce a VARCHAR's length, so nothing changes here."""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "heartbeats";
        DROP TABLE IF EXISTS "integrations";
        ALTER TABLE "escalations" DROP COLUMN "heartbeat_id";
        ALTER TABLE "escalations" DROP COLUMN "integration_id";"""


MODELS_STATE = (
    "eJztXVtz2zYW/isYvdSZUb2O4jje9MlxnK23jp2JnW2ncYeCREjimgJUgrKidvPf9xzwTp"
    "E0KYsyRePFlggcEPpwOzec83dnKkxmy/2ToWsJfmHxu85b8neH0ymDDxmlXdKhs1lUhg9c"
    "OrBVdarqGTZUVAV0IF0HHkLZiNqSwSOTyaFjzbAeUtxMGJET2nt9RMSICM4IF641soYUa/"
    "wgCbZF3Al1CR3ecbGwmTlmkgiHOEwK+x4+W64k0Cq1FQ3ZkwxakcweGYLDU3tfusJh+/HO"
    "vdjH7pliCP2z+PhJe3LLbzm+3BV3jGMTUJ9YknB2zxyiKMy38Byfmcyx7plJ6JhavAu9gT"
    "7DUHUJ9AqrL+GDy6YzF38DlsZ/Q5eMHDEl9JbfsaX3S/A1Av5xVdmkMJJUMsIs+Orsk/7Q"
    "YdRlpkHdPtZdTJhXU2GxoJJMqcnIHv7u+JvIyHKke8uHNrWmzHzxNkYknDtJRoDa5fXZxQ"
    "fj6vL05OLCuDi//MW4ubnwugi1uRqhObf+nDPDFWOGPYJx+vq1E3+TmmUKzs4ff8Bni5vs"
    "G5NYEb/O7oyRxWwzMakV0MaEyglSq3LDXc5U2emEOh8UBc6PgTEU9nzKV6lmS3cCQxiQwT"
    "TCp2PGmYOAxSY8n9u2vz6CR96vggeuM2dhp83ogclGdG7jskFqryfRs45hXF7dGNdnN4bR"
    "WVlSAUVsbvuPhoLjcrS4KxUeU/rNsBkfuxP4enT43XtPhIdXC1/4n5PPpz+ffN47OnyBLx"
    "Swpr0Ff+mX9FTRd9UETCKvETUKEez+MFWAPKLYDNzBgwjvaFfaOuAvj0oA/vIoF3AsQsAj"
    "gKPFugryeyhxYS1mA52kTIFt+qT7wYcdhL4A6pvzj2fXNycfP2HzUyn/tBVeJzdnWNJTT5"
    "epp3vpYQkbIb+e3/xM8Cv5/eryTMEppDt21Bujeje/d7BPdO4KA84Sg5pxTILHwaPEMMe3"
    "P8MyqyyoDNIWrqxema2sl7+V9dRWhsfH6C5zJ0sfQEn4P8CBbY35L2ypBuEcekr5kGWA7X"
    "NXl6nmdgz878EsC55G55hDF+H5mzX54AMgwFxv2p5cn568P+so5AfAYy2oYxqJIcAS0ROp"
    "J2Hd1aJpb5p+QjkdK5Dw12DfAx53blruGXedZSYHHJUWc8BYz7DFuBz7++tEkOGEcugRMF"
    "fUBUaOm4rNWmVQH6ibwSqlGKKvHW9/B+yh5GsH2da5483M4LM/MFAxUSX2OJetqrYVbXL3"
    "aRAbtZm9p5CNqny661N9B0512CaEU5E59gjaeIK/fl1mGb1+nb+OsCzJHse3u7Igx2laiP"
    "OrXgmYX/VyUcaibJArMqYpshZCXcuU1iJ1zdN5wEbAza8C/O/rq8tsgCOK9IFrDV3yP2Jb"
    "0i0BtM/BNAXnAlwRisQhG+C59/HktzTUpxdX79KnJzbwLj2xRy7LOA3zYQ8JNOrVUF8Rc5"
    "9G+jqlsIpN6lzPB3GoVuSwzHrdIols6FMYMkZS0jpxQkYMpC3fHiCHE2bObagX/0ZGlg1z"
    "D6q5QhXMJXO6aBYIvsAHXzkf0KwKd7W9Ca0LfSyDo7VPEE1JKJkxR0JdKsOKkpiC7HHhte"
    "OwoXBMwqFPzHyxT96jlA5d9SwOQX882V3ectT/J+DtEimwruUorb9EM8ZM6f6hkZLiqhY0"
    "i866w4MSZ93hQe5Zh0XFgqY/aapgHSNZC/CG7b9b4ODU/woIB/VbyL31DspMaaiVj+/BQR"
    "pfbeur0danTU/PTEkVnPwVj4UUWfuOhs0sqAKLU4DgBqxN17Gmdgvzsoam1HRrkpHpVHAX"
    "JI6PwPOKJFObWaFYsPGqGlNVt6REcwWSwoIuUYKAjXc4AVkAmba38B/aG1njOcoXaGbizF"
    "YGJuT4YYuAXcTzb/LMeCAjoHAgVyWZWt6Q6QeEzfq7nFXNAyhr+zrnbgUBAmdfagH5U7G5"
    "PMAYu/Bj7+Xhm8PjV0eHx1BFdTN88qZgFzu/vHlAXgiHoTy0cZKHAd6Bw34zGMf4Km+ZVD"
    "lsYyQtFBI2z7r6O08lJXpE0kKIXx6UEsSwWr5z2sGqKPYE+oRmA70xhUIB4xickY9kGr/4"
    "zewY3mU5xtg8axK3eBa6kmexirHSQj4xckgvxyPmo1vGxQhmkjtXLwrcjGbCtoZLH158qB"
    "W7T+tBlBiQsmgniFq4GW+esfAQq2LEjCgeZcVsGtDbNh7L+XRKnQzkb9i3HEEkRtKKuV2k"
    "dDz77aYY8lDneHF1+a+genockpCbzKWWncFE50/2GIme7Y+Y7SYz5zPjjmXM9/zdPEHUPn"
    "1sLaY6MWO8Ks5xmo3A3CBG5bCUmHhYICUergqJ8Co2dta527JK2b55vXkmZcKo4w4YdSui"
    "nabTWD+MdSQalTachRSt4Er0BcgmciU7Z4Wez8w1hzlJqYe50cMci7KwzlhnkG9gwBt2ZL"
    "V2vAeV2OwM0vYxJLVdirLv11pgKdKtLK5tSjttWlvhWFVbVykyvaZKrSnpspk0TMEz3LVy"
    "XSGSRNtzhjioC+cNe0KYc7bGHhVR6e2pYdtThYtH2ZE3MiTpdz75h18+s8g0upGoGw3bxv"
    "Is29/rtEf/HCh9Ohnm6KiwW2SNDhVHpa9g/VcMvGBl07l0yQxvIcEXm1EZxDzro+7Puae2"
    "MbX43GWyv0/67NvMgimaCF1mAYX3mOwJx/+sgqup3qRuZG3nxbfc0/Jg3duOX3LbiQKh4a"
    "WuOXct2wvoxr55fXnxE+l721syNBscbRZnMBms8Zg56Zh0b295ooNhw7xLoAZzVhqaUHXf"
    "bDZ38VeI0ahLLr9cXECvhozgeUX2snqnL3k1SAeZ7wug7x/Ve/+oub4Wuz+rk1aj+Da8Cv"
    "YHW9A8/+4M4hToI6TewQlegPP7qy/vLs7Ip89np+fX575dOmQKVSE+ggeW5wv3+ezkIgX7"
    "HVtWvloXp9H79YMzG4HIlHsKJnSMZs153Exmt65prPBy6R2rcnUhSbSWvN4wlDctsdvAJx"
    "vIC64ht6dptea+aeJ7fKQjgaLqOCcptUGu0cOsVXAtHlztO/Eshln7TrR2mCso1OtUEp9H"
    "fpidDDVxvLhbpCiO+XPWf29JqyG1GlKrIbUacp1ZrfVhWh/WGE5F68Maqw/TEtY6E3onWG"
    "8tYT2LYW6IhHVBl0qIWZGtvIJukVRlY5XSrjeOcL18forsJ9IPAjb1iXBM9C6ZOWzITIa+"
    "IHuUTKzxhHnhiBcWz8qyuIE2VURj6VLH7avwYX3GzT65Y2ymXFBcdEGhkiwcy3UZf0vOr6"
    "/I8dHBSyB3J6T/e19lH6ScWCrsidu95fAdC8XcxediNJLMVbUW1LZ/HNpieEdwzXXJYmIN"
    "J+hvA1uyGeRNDALO/SBv+V/YURX3DAnInhQY+Eyl7cHozqp4KjBZZKxtb1S8Dlpuru/M10"
    "QcQB32bIvHuA57tk1WSasD6lUHYLyjSsEaQgIdquERoRqCo88AADK4w4J7GGnCFk704xLT"
    "/Dh3kh+vKAoCyPwXlN+dMyj1Jp2xSSsWrMosDglaOHs3lY4h5lTBKylr/ertu6K1eWRhh4"
    "YODHPukOQfgmk6fRY+JkjX04WSbxr0zyKWfNNAz7tA1d2dYPJ4g23IOhmKIL+kW6QJ4qpO"
    "Dab1pJZCTqyRa4RHfxCP1nv741QXz84OX39o0NRoVdFep0i3o77W3n5rGikyw0IXB+Ju6X"
    "lbT1qvcAMuKXRGBFrWbEYehEYLRZt3rPAvvxl5GW8L/CtWSfX1uTJ+Fg3wp98hxHfujJWM"
    "r+MFECPTFyaaPLzbjzLesCOpaDRbFmR8d5CvRVmnXdeex5amdbJaJ/v0a6lunawOJ9aMcG"
    "IJyHK02HFIi3XZiXEslwh1yqSknl8euuVhCEYMdYWf/eSqKlqXG7jwcQbQoe8gcdhQOCYS"
    "LiZLwsVAmEugmdsmGTAv7ykzM9wft/JWdJBEP8sFPLUFH0vVFo9FASNB+9C8KUYj4qmfyF"
    "7f+9DvEsnQTxGR/odvKdifLV90CcfIZ2Qg3InniInh0JiKQKacLzFxOnYQvwxtak29CGoT"
    "ARNCPcRuLSaWzZKpXoEeOmdjTDRVi0mY3/D0lvt+nICPvfQ8JJXLJUwV723QVe/XeeHKFh"
    "MhmQrSBq2gM+fchZY5vIgI6Dm2xqC6QGvFDwXJZVkiu5otxEzJ8zBY3sxzoLIRd+QL0vFG"
    "bpmY/CzS662Wp2wfX8MqYZIRR7rAOblsOsP/OnPaU5tHgmlQUqkbVNcq3Uz3IVYFy6C6xj"
    "IDy4ztqCSsGZQa4SwDRHr3Lg9xFqnGOH8WK1AqnGYpshaKn5vPlONjVo1tSBC1EOZaLMFb"
    "tbQ3TKrcErxG1esiCaIWAl3HlRFtga/bAk9NE8TeSvnhYiTtQ/jlQal5jNXyT76DjJmclr"
    "JLzuYkWfvwftUrgfarXi7WWKQTHm6VjfN1QxkQ50ojcRKdZaaBWWaaNofbZOCk99RSOK+T"
    "TzBFq51zGjzQSv9f5eAJCfS5/vC5rsAyxIJXE21TZO1D+mVZhrWIX02DvWIFqrhvZdHrcO"
    "pN3rwk4+sMdIxMj2+Tx3fmiHvLZE7VcJxJsvZtn7UoCJnjiIxTKt9JNyRoA8DbdtHVjqLP"
    "YgeLnGMq7mErhG1YZPV4oaQvE1ZEOkGkUc5GucAjN+n/9Uif3LNEY7uFe1mn3JWlne2WW+"
    "aWbGV8o3gH7cQ2sZjXd3emQy+ulcXvHuntfKJauoCGdvck3q6z89U9MJbAvncyHJ3Dsm6R"
    "k7Pwa+lsGE/rZrqpgFT5bqY6OkO9MqEKUrKOhiVGpyWUZksoa9293ujV6xLDq807OlmdHm"
    "Z9H1XfR20k6Fu6j1qn2PFJ5fDqZAgdfkm3SORQGcAsLXE8scSh8+/tuvd0vGcrMOfbolJk"
    "20O703kC9qQOg5TDZiyLS8yP/h4SaO9IncHsWbLdOoNZa4d5heUvYzbAq9ePtBd4zOa1f4"
    "d7Nwd9u/aCGGK5zHuA5wMM/NIIR3DTkb5noRChs5Ft8UjW2ci2eikEtrel4Ue5zdCI5EfG"
    "XaHUgXHLBMZtbrbyNuv8or38kRq/SLO0Y4CX1fclptr67hhePIWNcFY3qqkWQb4F3srHLJ"
    "e7ijB9kL+KjWSZtLqBvrhL0HKPwdj8q/KEeuHg/LBo8ifSD4Nu+DHWqAt/ANEfJLHMrPy6"
    "m208O79LEItJ83ya52vGPrLxWETLikGIljr6UA7jsUvRh54weGE9jk5slglzYZi9bIyf77"
    "5QZCfPDGK4JsfcMvVYmmuOTa0mWchD/4QMRjDuu5DPBAYclzaTazO5NpNrM/kOmsnRHPeX"
    "4NVY3hjNFiH/cnNaF+p1R3i7Z46sJqfFKLQ7gnZHeDZ2au2O8OyGOZaPOjnG+dm9YiQ6u9"
    "f62b18GI2ZTfkaqyyDXMdGa9hCW8vvZ0iBFzKpY8j5IETtkeaqU7/N61iTO7tCV61WiShp"
    "dAnc2+PgusA2dvdgKgbIv9XuiMUGcm+Vuv6/kzAl7n2vD1L8knlbYKpVL2iN+Tn/QC177m"
    "QrBxMVuoUaQqhqWNwYeZUrpChz2GgumUmwhR8tjlm7MP3Vgg3IvcUWXTJY+rm2LMZd4gcE"
    "JxYmvZoyMnLElOxRTs4/3R+FpUCDybdUZEAQc8kAvuUkK9vy+x9WgX5NxEkHPD3+vlpqrH"
    "fW+LlYnf/Z67169aZ38Oro+PXhmzevjw9CsXu1qEj+fnf+LxTBE2zLw7bpJwhq37Tdq26t"
    "UrQIKjLuCUJ94X2HefY6z8EvUu3DK8ffFz/oSP6ph/5H2ibWGrcCbRZ7KrOYVnS3dpPXiu"
    "5nMczr6d+8jEOP1bh5rXyE81OYuzv02xX+f2WDa5BBchKTx0oLGSCQkg3pVSzvGw6CNjNR"
    "1PYpg2zakch9x2YgaXvptOWE9l4fBXUsUwnWQyHuLJDJqeNYTGY6iW/+LZgN/NwljJuSUJ"
    "f02beZBasG9qR+l1AQ9mHuENx+PKVAqFBAp/O5hJ6h0sAUTCUFJ1Nxz1TW88WEcfU6TBxu"
    "SeL5jZm3fA9bQDIxd8sqDwp4RWNC5aQawxiStI5rrN+TSrM0rT3rEmH4wk2g6jAnKbV2om"
    "mj3BDtxAlzrOEk65D2SwoPaBrVaYyK4rkopmu7DpXrZZd/lue72bVCJ1HH1RJcVBUQ9qu3"
    "EN1akn6h6Md4xqGZ7wwVI3mUM1TT0N6GN9STHmbf/w/tAlVk"
)
