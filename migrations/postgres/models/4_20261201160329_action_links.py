from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "server_keys" (
    "name" VARCHAR(64) NOT NULL PRIMARY KEY,
    "value" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "server_keys" IS 'A secret the service made for itself, once per database (for now the key of the action links).';
        CREATE TABLE IF NOT EXISTS "action_links" (
    "token_hash" VARCHAR(64) NOT NULL PRIMARY KEY,
    "action" VARCHAR(16) NOT NULL,
    "notification_id" VARCHAR(24) NOT NULL REFERENCES "notifications" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_action_link_notific_784dfb" UNIQUE ("notification_id", "action")
);
COMMENT ON TABLE "action_links" IS 'The sha256 of one notification''s link that acknowledges or resolves its escalation (see nself_oncall.store.action_links).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "action_links";
        DROP TABLE IF EXISTS "server_keys";"""


MODELS_STATE = (
    "eJztXVtz2zYW/isYvcSZUb226rie9Mlx3K23jp2Jld1Okw4Fk5DEMQUoBGVFbfPfFwe8ky"
    "BDSqJM0XixJQAHhD6AB+eGg797M2YRhx+em57N6LVNH3qv0d89imdEfFDU9lEPz+dxHRR4"
    "+N6RzbFsZziioazA99xzRaGoG2OHE1FkEW669hzaAcVwShCf4sGrU8TGiFGCKPPssW1iaP"
    "GCI+gLeVPsIWw+ULZ0iDUhHDEXuYQz51F8tj2ORK/YkTTogBPRCyfO2GBUlDqH3GMuOUwO"
    "7uUhDM9iphifTSdPOpLP9DOFh3vsgVDoQrRHNkeUPBIXSQrrtSiHMou49iOxEJ5gm/bFaM"
    "SYxVT1kRgVNF+JDx6ZzT34DVCb/A3yNy+o/WVBDI9NiKh3xS//9KmXbCXnTQ6w9+ef4rNN"
    "LfKVcGgIX+cPxtgmjpVaJnLoxhTzKVDLesNbzWXdxRS7v0gKQPzeMJmzmNE81XzlTQUoIZ"
    "mYGCidEEpc7BErsYTownGCFRcW+b9KFHjugkSDtuICi4zxwoGFCNT+SOKynmHc3A6Nu8uh"
    "YfRyizSkSKyWoMhkFBa4TT0u8Zjhr4ZD6MSbiq+nJ9/858R4+K3ggf89/3Dx6/mHg9OTl/"
    "BAJt4S/xW6CWoGsuqb7AJ72O9EzkIMezBNNSCPKbYDd1gQ4x2/5zsH/Pi0AuDHp4WAQxUA"
    "HgOcfC8M26qDtIK0g5APqqzxQfEaH8g1Dnxl/KBc4lnOlIb/F8Eb7Qn9jazkJFyJkWJqEg"
    "XYwUZ2k+luz8D/Fq6ysDRmcC5eRoxZtfjEB4EA8fxle353cf72sieRvxfb2RK7lpGaAqhh"
    "A5Ypidrmq2aDWbYEUzyRIMGvgbEHs3CBxQKysHu3uE/CkBM7lO1KBRAzoDB4gqSiKHKOxk"
    "RsrcHmz80psRaOaJf8hsa24xGxIYvdWlYsOHH7IAOEX8SHYCcOafKiRmNPAlFiBHVi0kcI"
    "0OQIozlxuWiLedRQCBIMHVDm9+MSk7mWkDeIRayXh+gtrBMxVF+8CMfjrx7+mYKQk4K3jz"
    "iDtrYrZSQOMsscLZn7IDopEjqqihb1uO42GW2LRImTowps9uSokM1CVbkoESyaOlgnSNYC"
    "PICzLbw1s7G9elVlZ3v1qnhrg7qMOAH/68gQQfsuCg5HVZa0aFWM79FRFl+thjSohsQwmy"
    "4BKAzs5WF+K2o8e0bUUKcpM1BbAelh+GEPF3kJ1MOrd5d3w/N376H7GedfHInX+fASagay"
    "dJUpPcgqK1En6H9Xw18RfEV/3N5cSjgZ9yaufGLcbvhHD8aEFx4zKFsa2EpiEhaHRalpDn"
    "f+mttChqx7W8N2XqgSnSdEcAv6zl2iq/3CvKqqk1lurVJzGPWExvFOyLwsLdQqG5QrNn5T"
    "YybbVtRoboWmsMQr0CAE4zWnQhcAoe21+C/6G9uTBegX5hRTShyEqSUlfsEiBBfxjZm+Ii"
    "l0BFAOeF6TaeQJShMldBtwObuecVLFvq6oV0OBgNWXeYGCpdheGWACQ/hhcHzy08nZj6cn"
    "Z6KJHGZU8lMJF7u6GX5HX4imoTq0SZLvA7wHm/12ME7IVf5rUmezTZB0UEnYvugacJ5aJv"
    "OYpIMQHx9VUsSgWbHd/Civij2BPaHdQG/NoFAiOIZ75IZC48egmz3Du6rEmFhnbZIWLyO/"
    "sUpUTNSWyomx97majFiM7vdttp/Ei4m9hXyQwFPUfhKbvGObqwBeKNSG3eb9Z+WCWmJCqq"
    "KdIuogM96+YOEjlsf4P3e3N2UYq+xgtumhf5Bj830UikuABSxSxq8Q0IN3579nsb64vn2T"
    "tWpBB28ywPPFbIZdBfJD8rVAEUmQdGJtlxkdL38flkMe2Ryvb2/+HTbPzkMacot42HYUQn"
    "TxYk+Q6NW+wWq3iLWYGw9Esd6LuXmKqHv22EZcdWxOaF2ckzRbgblNgkoTIMfiY2XnQkTR"
    "Cc7ddPya9tSttWnum6duMbfWnOY0pZ7mVk9zIux8nblWkG9hwlsmGnR2vu9riSIKUi34VZ"
    "JJgrMc67xgGVL9crX55Yomq96LlSHTL1VFQZ/MuWExqohpKfQXp4l25zE+agrnLbuLrQVZ"
    "g0nFVDvhT7vUWPedPeU8e8WOKPUBGYUq/SYg/+W3DyT2H23lcEzL2FiR++9bk067a7ySrr"
    "Gcv86v6Je56hxoUvlsiss8/1CpJPsZjcJwmhFiriU6QnOXmMQi1CToAKOpPZkS/7DI0qaq"
    "A69b6FOeN+Eedr2RDO4aEWqN0AMhcxnn5ZGvHhw7Wbq25xH6Gl3d3aKz06NjQe5N0eiPER"
    "ozV1AiWzqlvf5nKr5DJVt4UM7GY0482WqJHecH02HmAwLu1EfLqW1O4VCsS7AlekgdV3nB"
    "P9O/YKAyKg0I0AFnEJY2xXRC4OyNrJ4xOLeb6NufFX+AtveyOCAtGaWpg9J2uAPqoLRdSh"
    "n6zEqzZ1YgGqWWKy0i0I60DRxp4dZnCAAUMnSJApgl7OBCP6uwzM8KF/lZzqQSQhY8oDp3"
    "VlBqJq1g0lIEq+lHc7u6erd1WDaGV0i1dcANmnfPNrR9ZAWHFgMwC5TX4k0wS6f3wk1CqJ"
    "7uoF/boH8WJ/3aBnoHjvqB6cwkPYUhKKjpl1mCqGzTQMB22krBp/bYM6KtPzwt4D99M9OF"
    "DtzeeuB2Zrbq2PgzpDqso3Wm/qwFoM4bFZ2E7d6G20zWlYgDV9Q6YwKtbLbjmGqrtaLtHy"
    "aZ2XThEW7ck7EQAxXCocNwwdrNk2YAHwPtHq7iEozf3n58c32J3n+4vLi6uwoUpIjFy0op"
    "/nxxbF9Y/HB5ft0+Z/oeIb53eywndJ2IrgSZjpZo8/Tu/hBYy7akZ3QGbH+Qb8Rap890PA"
    "+Wpo2y2ij79O9S00ZZHcjYjkDGFGQFZuzUDRGlxuzUPFbLUzcjnGM/ME+mwfYghtDPfB3k"
    "vkMHzIUiHOaTk9mwcZi+WhAupytE2T2zVoJm4Vjonvhp6SCtdS8D/m6eChGSEGi5FKUOox"
    "Mu+6LJW0LC/kX3FhuPkW9+Qgcj/8Ooj+AaER/pfwWugsP56mU/uCHknnlTPxLTIZiTEYRE"
    "etF9IsE9IKaD7Zl/e8mUiQUhC2FYy6ntkHQmPkEPl5XArSOyFeFifYvSzzQI5BT4OCs/RD"
    "K8gcR/mswEDr+OTmwIEp0yTpAcFXIhmnPhiZ6peBBiYuTQGxHNGbgrXpTk/iOp5DcOY3Op"
    "z4vJ8leeKxobyUi+MFtiHJcJuWliu16+PpfaJmwSnQF3uWcEl6uABKUT2zyxfyRcBhWNum"
    "FzbdJVxg+ROliGzTWWCiwV7KgirApKjbDKAZHl3tUhVpFqjItXsQSlxm6WIeug+rn9JB0B"
    "ZvXEhhRRB2FuxBO8U097y7TKHcFr1D0vkiLqINBNnBnRHvgO5oluNcJNpYnOadkVV3OarH"
    "t4/ziogPaPg0KsoUrnWtupGBfYhhQQF2ojSRKd36KF+S3atoa75ODEj9iWOK+TyixDq4Nz"
    "WjzR0v5fZ+OJCPS+/v19XYJlsCWtp9pmyLqH9HFVgbVMXs2CnfMC1eRbKnqdJq7NzIsTus"
    "5EJ8j0/LZ5fucue7St2ncVZci6xz4bMRAS12WKXao4SDci6ALAuw7R1YGiz4KDxcExNXlY"
    "jrALL1kzUSjZw4Q1kU4RaZTVKJdE5KbjvzaMyU3fpLZfuFcNys292uqw3CqnZGvjGyc86C"
    "a2qZd5/XBnbPqJrWz6sGG087ns6Vp0tL878W6DnW8fhWApxPeeItA5quuXBTmzoFXzlyzq"
    "MNNdZKQqDjPV2RkavwPKXcvCkqDTGkq7NZS1zl5v9eh1henV7p31ZlebGZ7FNOvzqPo8ag"
    "vepX1OEvjev/FZoXS8j+6CLlY55H3RttY4nljj2FasabHGoTPuNxs9nRxZDuZiX1SGbHdo"
    "93pPIJ404ZByyZyopMTi9O8RgY6OzB2C02L3cxC79dW+nZ3mnMhfxW0gL0XczF/gC5t3wR"
    "nu/Zz03foLEogVCu8hnt8R4FdGNIPbTvU9j5QIfR3ZDrdkfR3ZTg+FCPa2MoIstwqLSHFm"
    "3BylToxbJTFuwLVqhkcmiTqolzZu84t5+YYWv9iytGeAV7X3pZba+uEYfj6FrUhWQ9lVhy"
    "DfgWwVYFYoXcWYfle+SsxklXt1Q3txH4HnHpKxBUflEfbTwQVp0fjPaBQl3QhyrGFP/BGI"
    "vuDItlQX7G63c/UFL2EuJi3zaZmvHXxk67mIVjWTEK109qECwWOfsg89YfLCZgKdyFwJc2"
    "maPTXGz5cvlPnJlUkM15SYO2Yey0rNiaXVJg95FJ+gEASTsQvFQmAocWk3uXaTaze5dpPv"
    "oZsc3HF/MVpP5E3Q7BDyj8OLplBvOsPbI3F5PT0tQaHDEXQ4wrPxU+twhGc3zYkLqdNzXH"
    "y7V4JE3+61/u1eAYzG3MF0jbdMQa5zo7XsRVsr7sfEQhaysGvwxX2E2obuqougz7tEl3v7"
    "hua9VqksaXglpLfN4LqGPvZ3YyoHKDjV7rLlFu7eqnT8fy9hSp37Xh+k5CHzrsDUqF2QuA"
    "Kx34jy8Exc2S+1DMpmkDK6um+YCOXE8++4EtRwK9cMWwSNmQs3ZhFn3EeMitI5cREYqu7h"
    "pqsDqBYMX9KJx4VXcPkZH5DM+KC4jqz5x21g03xaY9uzsms+YmdRC+uIoIOWzePBWRWH5+"
    "Cs2OMJddpWoWXrXfqxPnLJXnNb1ccgOUjxLgVxQtp31Rn3v3ZfPZX7SjP5zjJ5bZB+FtO8"
    "np3MvxloU8uY38s7sX8ya3+nfrdK+jlxbXOqEnuCmlLBB8dtWiP56GjoDaOhC53sJdpsoZ"
    "e9E6JOE5Gl8FLVQDho3kF0G7nzA3YUQhXiRbEvNEGykS+0bWjvwhn6pBr8t/8Dls1PWQ=="
)
