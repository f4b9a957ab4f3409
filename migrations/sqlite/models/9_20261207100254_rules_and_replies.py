from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "planned_messages" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "loop" INT NOT NULL,
    "step" INT NOT NULL,
    "target_position" INT NOT NULL,
    "contact_position" INT NOT NULL,
    "rule" INT NOT NULL,
    "target_type" VARCHAR(16) NOT NULL,
    "target_id" VARCHAR(255) NOT NULL,
    "user" VARCHAR(255) NOT NULL,
    "user_name" VARCHAR(200),
    "channel" VARCHAR(64) NOT NULL,
    "address" VARCHAR(1000) NOT NULL,
    "due_at" TIMESTAMP NOT NULL,
    "escalation_id" VARCHAR(24) NOT NULL REFERENCES "escalations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_planned_mes_escalat_12115d" UNIQUE ("escalation_id", "loop", "step", "target_position", "contact_position")
) /* A message of a notification rule that is not due yet: it becomes a notification when it is (see */;
        CREATE TABLE IF NOT EXISTS "reply_codes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "number" VARCHAR(32) NOT NULL,
    "code" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "escalation_id" VARCHAR(24) NOT NULL REFERENCES "escalations" ("id") ON DELETE CASCADE,
    "notification_id" VARCHAR(24) NOT NULL REFERENCES "notifications" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reply_codes_number_688215" UNIQUE ("number", "code"),
    CONSTRAINT "uid_reply_codes_number_435631" UNIQUE ("number", "escalation_id")
) /* The code that an SMS reply names (3a, 3r): one per recipient number and open escalation, the smallest free one */;
        ALTER TABLE "notifications" ADD "rule" INT;
        ALTER TABLE "users" ADD "notification_rules" JSON;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "notifications" DROP COLUMN "rule";
        ALTER TABLE "users" DROP COLUMN "notification_rules";
        DROP TABLE IF EXISTS "planned_messages";
        DROP TABLE IF EXISTS "reply_codes";"""


MODELS_STATE = (
    "eJztXVtz2zYW/isYvcSZUb2OfInXfXJcp/XWsTOxs91p1KEgEpK4pgCVgKxod/vfFwe8Uy"
    "RNyqJM0XixJQIHhD7czh3/7UyZRRy+f24Km9Frmz50ztB/OxRPifyQUdpFHTybRWXwQOCh"
    "o6pjVc9wZEVVgIdcuPKhLBthhxP5yCLcdO0Z1AOK+wlBfIJ7xyeIjRCjBFEm7JFtYqjxhi"
    "NoC4kJFgibD5QtHGKNCUfMRS7hzHmUn23BkWwVO4oG7XEiW+HEGRmMyqfOPhfMJfvxzr3d"
    "h+5ZzJT9s+n4RXvSp30KLxfsgVBoQtZHNkeUPBIXKQrrTD6HZxZx7UdiITzGNu3K3sg+y6"
    "HqItkrqL6UHwSZzgT8BiiN/4YuGrlsinCfPpCl90vgNUz+o6qyheVIYk4QseVXdx8NTJdg"
    "QSwDiwHUXUyIV1NhscAcTbFF0B787vib0Mh2uehT08H2lFhvz2JEzH3gaCRRu7m7vP5o3N"
    "5cnF9fG9dXN78a9/fXXhdlbapGaE7tP+fEEGxMoEdynL5968TfpGaZgrPzxx/ys00t8p1w"
    "qAhfZw/GyCaOlZjUCmhjgvkEqFW5IZYzVXYxwe5HRQHzY2iYzJlP6SrVbCkmcggDMjmN4O"
    "mYUOICYLEJT+eO46+P4JH3q+QD4c5J2GkremCREZ47sGyA2utJ9KxjGDe398bd5b1hdFaW"
    "VEARm9v+I5NRWI42FVzhMcXfDYfQsZjIrydHf3nvifDwasEL/3n+5eKX8y97J0dv4YVMrm"
    "lvwd/4JT1V9JdqQk4irxE1ChHs/jBVgDyi2AzcwYMI72hX2jrg705KAP7uJBdwKALAI4Cj"
    "xboK8k+yRMi1mA10kjIFtuWT7gcfdhD6Aqjvrz5d3t2ff/oMzU85/9NReJ3fX0JJTz1dpp"
    "7upYclbAT9dnX/C4Kv6Pfbm0sFJ+Ni7Ko3RvXuf+9An/BcMEOeJQa24pgEj4NHiWGOb3+G"
    "bVVZUBmkLVxZvTJbWS9/K+uprQyOj9FD5k6WPoCS8H+UB7Y9pr+SpRqEK9lTTE2SAbbPXd"
    "2kmtsx8P8KZlnwNDrHXLwIz9+sySc/SASI8Kbt+d3F+U+XHYX8UPJYC+xaRmIIoIT1WOpJ"
    "WHe1aNqbpp9giscKJPg10PeAx51btrikwl1mcsBRaTEHDPUMh43Lsb+/TRgyJ5jKHknmCg"
    "vJyFFLsVmrDOoTdTNYpRRD9K3j7e8Se1nyrQNs69z1Zmbw2R8YWTFRJfY4l62qthVtcvdp"
    "EBu1mb2nkI2qfLrrU30HTnW5TTC3InPsEbTxBD8+LrOMjo/z1xGUJdnj+HZXFuQ4TQtxPu"
    "yVgPmwl4syFGWDXJExTZG1EOpaprQWqWuezkMyktz8KsD/uLu9yQY4okgfuLYp0P+QY3NR"
    "Amifg2kKzgW4AhSJQzbAc+/T+b/SUF9c335In57QwIf0xB4JknEa5sMeEmjUq6G+Iua+jP"
    "R1geUqtrB7Nx/GoVqRwzLrdYskMtOnMHiMpKR14hyNiJS2fHsANyfEmjuyXvwbGtmOnHuy"
    "mmCqYM6J2wWzQPBFfvCV8wHNqnBX25vAujCAMnm0DhCgyRFGM+JyWRfzsCJHFkN7lHntuM"
    "RkroWo7BOx3u6jn0BKl131LA5BfzzZnfcp6P8T8HYRZ1DXdpXWn4MZY6Z0/7KRkuKqFjSL"
    "zrqjgxJn3dFB7lkHRcWCpj9pqmAdI1kL8Ibtv1vg4NT/CggH9VvIvfUOykxpWSsf34ODNL"
    "7a1lejrU+bnl6Zkio4+SseCymy9h0Nm1lQBRanAMENWJvuYk3tFuZlDU2p6dYkI9MFo0JK"
    "HJ8kz8uSTG1mhWLBxqtqTFXdkhLNrZQUFngJEoTceM2JlAWAaTuT/2V7I3s8B/kCzEyUOM"
    "rABBy/3CLkLuL5N3lmPCkjgHDAVyWZWt6Q6QcEzfq7nF3NAyhr+7qiooIAAbMvtYD8qdhc"
    "HmAMXfih9+7o/dHp4cnRqayiuhk+eV+wi13d3D8hL4TDUB7aOMnTAO/AYb8ZjGN8lbdMqh"
    "y2MZIWCgmbZ139naeSEj0iaSHE7w5KCWJQLd857WBVFHsBfUKzgd6YQqGAcQzOyGcyjV/9"
    "ZnYM77IcY2yeNYlbvAxdybNYxVhpIZ8YOaSX4xHz0S3jYiRnkpirFwVuRjPm2ObShxceas"
    "Xuy3oQJQakLNoJohZuxptnLDzEqhgxI4pnWTGbBvS2jcd8Pp1iNwP5e/I9RxCJkbRibhcp"
    "HS//dV8MeahzvL69+Tmonh6HJOQWEdh2Mpjo/MkeI9Gz/Rmz3SLWfGY8kIz5nr+bJ4jap4"
    "+txVTHZoRWxTlOsxGYm8So1AGyfBUZu+vEtqxStm9eb55JmRDsiiHBoiLaaTqN9dNYR6JR"
    "acNZSNEKrkQHQDaRK9k5K/R8Zq05zElKPcyNHuZYloV1xjqDfAMD3rAjq7XjPazEZmeQto"
    "8hqS0oynlca4GlSLeyuLYp7bRpbYVjVW1dpcj0miq1prggM25YjGa4a+W6QiSJtucMcVAX"
    "zhv2hLDmZI09KqLS21PDtqcKgUfZmTcyJOkPPvnHX7+QyDS6kawbDdvG8izbSQuUA65AGX"
    "qdKjh99hr5RDjH4x2WiYqhcsnMWco68h3Pg+sLNHQhP7cJqTqdHH4JNImdDB+HqLBb5OIQ"
    "aiNLx/X9mw29DHjTORdoBqFt8otDMA8S6Q1Aoew+YseY2nQuCB/sowH5PrPlvpfIh2dLCu"
    "8x2mOu/1ll7FO9SYX5befFfeqpDqFuv+OX9DtRdj2IFJxTYTtelkDy3evL2x/RwDszk/n+"
    "JL9kUyIngz0eEzed6PCsTxMdDBumXSRrEHeloQlWQYyzuYBfwUajLrr5en0te2USBEwQ2s"
    "vqnY4cbJBiO9/BRAe11RvU1lwHnt2f1UlTZHwbXgX7o8NwXtBABnEK9BFQ7+AEL8D5p9uv"
    "H64v0ecvlxdXd1e+s0MoaahCeCQf2J6D5ZfL8+sU7A9kWTleM06j9+snZzYAkSlMf7DHuQ"
    "qKGNFa2omGCVC+fuLvvd7h4fveweHJ6fHR+/fHpwehomK1qEhj8eHqZ1BaJMZgVYuhQBT4"
    "gVSJkkkStQj8jSmHHMk9G8AhrqEiStNqI1HTNEXxkY7EjKrjnKTUtt9GD7PW9rZ4cLWbzq"
    "sYZu2m09phrmC7qVN1fBW5/HYylMfx4m6R+jjmOlx/iJxWTmrlpFZOauXkOrNaa8m0lkxr"
    "ybSWbM1kMlruaitDruWuVzHMDZG7rvFSiTYrEpdX0C2StRyoUtpNx2XCu1BSkf2IBkHGsA"
    "FirgWeKDOXmMQi4Deyh9HEHk+Ilw97YdOsaz430KZKqc0FdsVA5a8bEGoN0AMhM+WuIsBd"
    "BXO0cG0hCD1DV3e36PTk4J0kFxM0+H2grr/EFNkq747o9qn8DoVsLuA5G404EarWAjvOD6"
    "bDzAcEa66LFhPbnIBvjtySreDiziDj4Rvep/+BjqrEe0CA9jiDzHvq3ihIL66KpwxuK421"
    "7Y2K10Fb5PrZfEskotR597Z4jOu8e9tklbSSoF4lASTcqpQtJCTQuUKekSskOPoMCUAGd1"
    "gQCJQmbOFEPy0xzU9zJ/npivoggMx/QfndOYNSb9IZm7RiwarM4pCghbN3U/eBxFwtaCUV"
    "rl+9fTGCm0dW7tCyA2ZOEFP+IZim02fhc7LEvdxdBk2D/lVcZtA00POCrbq7c5sBhFCapJ"
    "OhCPJLukWaIKrq1GBwT2op+MQeCSM8+oOEyN7bn6e6eHXW+fpz06ZGq4r2OkW6HfW19gFc"
    "00iRmZe8OBN8S8/beu6VCzfgkkJnRKBlzWZcxNFooWjz7hZ+oJyRd+VyQbDdKqkOtSsTat"
    "cAL/sdQnznzlhO6DpeADEyHUbR5OHdfpr7hh1JRaPZsiz3u4N8Lco67br2OrY0rZPVOtmX"
    "X0t162R1PrtmpB5LQJajxY5DWqzLToxjuZt4p15SPfDLA7c8yAEKabHgs3+7r8rsJQIXPk"
    "okdOA7iFxiMtcCwsVkiSgbMmspaeaOhYbEu3iXWBnuj1t5KzhIgp/lQj51GB1z1RaNZQxD"
    "QfuyeYuNRshTP6G9gfdh0EWcgJ8iIP0331KwP1u+7SIKWdLQkImJ54gJqdOIylamnC/ZAy"
    "Q3G6kvpoPtqZdtbcLkhFAPoVuLie2Q5F3Dkl52zoH8aaoW4XJ+y6d96vtxSnycpechqVwu"
    "5VTx3ia76v06L7XZYsI4UQndZCvgzDkXsmUqX4SY7Dm0RmR1BtaKNwW3G5PE9X4OYzMlz8"
    "vB8maeKysbcUe+4D7oyC0Tbt+L9Hqr5Snbx7ewSnjLjcuF5JwEmc7gv76676XNI8E0KKnU"
    "DaprlW6m+xCpgmVQXWOZgWXGdlQS1gxKjXCWASK9e5eHOItUY5wVd5gpAOX7aQZxEDrWMG"
    "9DUJhUYAxSZC2U5Dd/65WPWTUOLEHUQphrMapv1WmhaRvEduA1qkbeJIhaCHQd0TfamaFu"
    "ZwZsWS7hle56jJG0D+F3B6XmMVTLP/kOMmZyWmFRcjYnydqH92GvBNqHvVysoUhfXrpVNs"
    "5Xs2VAnCuAxEn0jVENvDGqaXO4TbZi/IhthfM6d4OmaLWfU4MHWplSqhw8IYE+158+1xVY"
    "BlvQaqJtiqx9SL8ry7AW8atpsFcMahX3rSx6na++yZsXJ3SdgY6R6fFt8vjOXPZoW8Stmu"
    "80Sda+7bMWBSFxXZZxSuX7O4cEbQB4297O2uf2VexgkZ9RxT1shbANi6weh550XGZFpBNE"
    "GuVslAucm5OudM90b75MNLZbuJf1b15Z2tkezmUCjivjG6WOaCe2icW8vuc4Nr0UYTZ9eK"
    "bj+Llq6Vo2tLsnsb7cu5ke9rePkgWXgk4nw7s+LOsWedYzv5a+mOVlfZs3lQUt37dZpwSp"
    "V3pWmXHW0UXF6LQs12xZbq2A/43G+5cYXm0I0/cm6mHWQdA6CLqRoG8pCLpOseOzA96q1i"
    "cv0LWTIXykanSLRJCZV9fw42ZLX14Si7PFKB4hjCByxItLtVUIKrLmBC2JOEO2QENiMkma"
    "pllMCIViSbHHiepy6mKTWt/Xp15869983RBzvXDcOXXka1UsbSy8VxLJgZQ7nEMsOUIQ7i"
    "t3SOY8ys/KiI32RNS+N2+st/voSnD5orCdNxwNPIcsFeDrhf7KIvlX/hqq3soWtNYgWi0l"
    "6gjYhuzMOgK2uVjqCFgdAbv7GG8zArbtWOoQWB0C2zolslbS6xhYHQPbxunciiDYZkNcVx"
    "SsjnRrtUHghT00mza0r8Z5sGnAb9h78IVMA8yxzWUnyyTglXQLTQFQx9bOSC+sZt4Ur5Kv"
    "ZtYXQNfLfsd7tgJzfkBPimx7aHc6L8Co1BHV45IZyeIV83V8IYFOMbGiktYeOa+BAZ/PrD"
    "WHOUmph7lxw7zC+JeJvQBD6DMjCTxm8863qO7moG83lCCGWC7zHuD5BAO/NMIR3PTNs7NQ"
    "iNiMB0nusZzJ2WccyT6T3lzGfiNHcj4jv4a1WFuJn2B75KrCS8O/dTFDK5J/U+MKpb6osc"
    "xFjf6uVTHHRJyohXJp7e7A0V7+TK1fpFnaMcDLavwSU239mFbPIr8RzupeNdUiyLfAW/mY"
    "5XJXEaZP8lexkSzjKR24kncRmLLBW9i3tSLsXU/kX9PDf0SD0G3Dv/MHC/lHIvqGI9tavf"
    "Bo041ncn2hZ6Tm+TTP14x9ZOPebFXd2LT/Wh7jsUv+ay8YSlBPDDSZZcJc6PSejfHr3ReK"
    "QugyQwrW5Jhbph5Lc82xqdUkC3mU5CSDE0xkQMlnA1MZV57mAe/hukZZ3eO5MEV3n+6Qag"
    "VBDzja63cOcb/z9kzdUzkjEFBm2jObUCF/wHQoH2BqITYj8Xsmu95djVO42ZELNHIJAfoV"
    "LnG7r+/TEXO9V/m0frAd94Pjgkg+yYNCJtB9NIiH5kW8qV/vTF3NCZ2VGHOEvXA8lRoIWS"
    "yfbfVe3lEzWI7oH+q+yPBZzPFFs7Mvyc5GQ1LaGyGkaCH7tfkc2Ka/n5WOJrJ01Is2ib86"
    "W6n2SS25Q9WTNjQ4/tdIHpoi1ZBrN+D6xZs1k4gGc3UDMN+kmmsp0BkrvEnyZJgKJ0OcjK"
    "fJyZcmAw2+drvWbtfa7Vq7Xe+g2zWILP/xNU+lFfwxmi1C/vX+oi7U6444fSQur2b3i1Fo"
    "93Yty79KWV67t7+KYfYuHsjwrvrH3e1Nvu7AzHTUtGxToP8hx+ZldsmGpZcoGFXAovjwT5"
    "/zqZGCBtKHvw+jAYkk11hlGeT6wtKGLbS14khMLHkhC7sGnw9D1J7p/njht3kXa3JnV2jx"
    "tR4OXkru7XlwXUMbu3swFQPkXzXjssUzUSp9J89OwpS4YmR9kOL3mbQFplr1gvaYXtGP2H"
    "bmbrZyMFGhW6ghlFUNmxojr3JJp5NbSpBLRnNOLAQt/GBTJJjy2ViQIXq0yaKLhkv1wHSU"
    "r4efoAgSF5uyt2jksinawxRdfX48CUslTeTMcXKEhvLb21Xf5Bd4/9Mq0G+JvE0ST4+//6"
    "OSavSDPX4tbh9/7/UOD9/3Dg5PTo+P3r8/Pj0Ixe7VoiL5+8PVzyCCJ9iWp51DdJKt2rVK"
    "0SKoyLgnCPXdKjvMs9d5Dn7lah9eOf6++qkz8089iGfRNrHWuKlrs9hLmcUSFnQ3sDRX0Z"
    "KtUmuF2foKM214aO2hqw0Pr2KY19OHetc0PFcD6rXySfIzzNrdod+uMuY3MryTMqHX1RVW"
    "NFZayJAuyNDgXsXysd/2mBILVB8+JdxflVSBPJCZgKgWFUwzwb3jk6CObSlFh8nYg02QiV"
    "3XJjwzCHzzb+nTPr0SiFCLIyzQgHyf2XLVwGVVXYTRyJZzB8H24ylpQgUPBO7MuewZKHEs"
    "RrwbuabsUcLDYqFALlvELsfq0z1oAcjYXJRV5hTw7sYE80k1Bj4kaR0XX79nm2ZpWnvWJe"
    "Iiwk2g6jAnKbW2qGmj3BBt0TlxbXOSdUj7JYUHNI7qNEZl9FoMBbXFh+Z6Peaf5fluj63Q"
    "EdWROgIWVQWE/eotRPdd2UtMiu4wWQ3BpYLQjEMzX+0WI3mWrq1paG9D2faih9lf/wfafN"
    "Kq"
)
