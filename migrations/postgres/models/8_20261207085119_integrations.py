from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "heartbeats" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "policy_id" VARCHAR(64) NOT NULL,
    "interval_minutes" DOUBLE PRECISION NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "rate_at" BIGINT,
    "rate_taken" INT,
    "last_ping_at" TIMESTAMPTZ,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "due_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_heartbeats_policy__2fc992" ON "heartbeats" ("policy_id");
CREATE INDEX IF NOT EXISTS "idx_heartbeats_due_at_53305b" ON "heartbeats" ("due_at");
COMMENT ON TABLE "heartbeats" IS 'A job that must ping at least every `interval_minutes`. `expires_at` is when it expires (or expired: its';
        CREATE TABLE IF NOT EXISTS "integrations" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "policy_id" VARCHAR(64) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "rate_at" BIGINT,
    "rate_taken" INT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_integration_policy__f58875" ON "integrations" ("policy_id");
        ALTER TABLE "escalations" ADD "heartbeat_id" VARCHAR(64);
        ALTER TABLE "escalations" ADD "integration_id" VARCHAR(64);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "escalations" DROP COLUMN "heartbeat_id";
        ALTER TABLE "escalations" DROP COLUMN "integration_id";
        DROP TABLE IF EXISTS "integrations";
        DROP TABLE IF EXISTS "heartbeats";"""


MODELS_STATE = (
    "eJztXVtz27gV/isYvawzo3Ud+RI3++R4nV13HXsndrqdjTsUJEISawpQCcqK2ua/9xzwTp"
    "E0KYsyRePFlggcEPpwOzec89/OVJjMlvtnQ9cS/MriD5335L8dTqcMPmSUdkmHzmZRGT5w"
    "6cBW1amqZ9hQURXQgXQdeAhlI2pLBo9MJoeONcN6SHE3YUROaO/4hIgREZwRLlxrZA0p1v"
    "hBEmyLuBPqEjp84GJhM3PMJBEOcZgU9iN8tlxJoFVqKxqyJxm0Ipk9MgSHp/a+dIXD9uOd"
    "e7OP3TPFEPpn8fGL9uSe33N8uSseGMcmoD6xJOHskTlEUZjv4Tk+M5ljPTKT0DG1eBd6A3"
    "2GoeoS6BVWX8IHl01nLv4GLI3/hi4ZOWJK6D1/YEvvl+BrBPzjqrJJYSSpZIRZ8NXZJ/2h"
    "w6jLTIO6fay7mDCvpsJiQSWZUpORPfzd8TeRkeVI954PbWpNmfnmfYxIOA+SjAC169uLq4"
    "/GzfX52dWVcXV5/Ztxd3fldRFqczVCc279e84MV4wZ9gjG6evXTvxNapYpODv//Cd8trjJ"
    "vjGJFfHr7MEYWcw2E5NaAW1MqJwgtSo33OVMlZ1PqPNRUeD8GBhDYc+nfJVqtnQnMIQBGU"
    "wjfDpmnDkIWGzC87lt++sjeOT9KnjgOnMWdtqMHphsROc2Lhuk9noSPesYxvXNnXF7cWcY"
    "nZUlFVDE5rb/aCg4LkeLu1LhMaXfDJvxsTuBrydH3733RHh4tfCFfz/7fP7r2ee9k6M3+E"
    "IBa9pb8Nd+SU8VfVdNwCTyGlGjEMHuD1MFyCOKzcAdPIjwjnalrQP+9qQE4G9PcgHHIgQ8"
    "AjharKsg/wwlLqzFbKCTlCmwTZ90P/iwg9AXQH13+eni9u7s0+/Y/FTKf9sKr7O7Cyzpqa"
    "fL1NO99LCEjZA/Lu9+JfiV/HlzfaHgFNIdO+qNUb27PzvYJzp3hQFniUHNOCbB4+BRYpjj"
    "259hmVUWVAZpC1dWr8xW1svfynpqK8PjY/SQuZOlD6Ak/B/hwLbG/De2VINwCT2lfMgywP"
    "a5q+tUczsG/vdglgVPo3PMoYvw/M2afPABEGCuN23Pbs/Pfr7oKOQHwGMtqGMaiSHAEtET"
    "qSdh3dWiaW+afkI5HSuQ8Ndg3wMed25a7gV3nWUmBxyVFnPAWM+wxbgc+/vHRJDhhHLoET"
    "BX1AVGjpuKzVplUJ+om8EqpRiirx1vfwfsoeRrB9nWuePNzOCzPzBQMVEl9jiXraq2FW1y"
    "92kQG7WZvaeQjap8uutTfQdOddgmhFOROfYI2niCHx+XWUbHx/nrCMuS7HF8uysLcpymhT"
    "gf9krAfNjLRRmLskGuyJimyFoIdS1TWovUNU/nARsBN78K8N9ub66zAY4o0geuNXTJ/4ht"
    "SbcE0D4H0xScC3BFKBKHbIDn3qezf6ShPr+6+ZA+PbGBD+mJPXJZxmmYD3tIoFGvhvqKmP"
    "sy0tc5hVVsUud2PohDtSKHZdbrFklkQ5/CkDGSktaJMzJiIG359gA5nDBzbkO9+DcysmyY"
    "e1DNFapgLpnTRbNA8AU++Mr5gGZVuKvtTWhd6GMZHK19gmhKQsmMORLqUhlWlMQUZI8Lrx"
    "2HDYVjEg59YuabffIzSunQVc/iEPTHk93lPUf9fwLeLpEC61qO0vpLNGPMlO4fGikprmpB"
    "s+isOzoocdYdHeSedVhULGj6k6YK1jGStQBv2P67BQ5O/a+AcFC/hdxb76DMlIZa+fgeHK"
    "Tx1ba+Gm192vT0ypRUwclf8VhIkbXvaNjMgiqwOAUIbsDadBtrarcwL2toSk23JhmZzgV3"
    "QeL4BDyvSDK1mRWKBRuvqjFVdUtKNDcgKSzoEiUI2HiHE5AFkGl7D/+hvZE1nqN8gWYmzm"
    "xlYEKOH7YI2EU8/ybPjAcyAgoHclWSqeUNmX5A2Ky/y1nVPICytq9L7lYQIHD2pRaQPxWb"
    "ywOMsQs/9t4evTs6PTw5OoUqqpvhk3cFu9jl9d0T8kI4DOWhjZM8DfAOHPabwTjGV3nLpM"
    "phGyNpoZCwedbV33kqKdEjkhZC/PaglCCG1fKd0w5WRbEX0Cc0G+iNKRQKGMfgjHwm0/jF"
    "b2bH8C7LMcbmWZO4xYvQlTyLVYyVFvKJkUN6OR4xH90yLkYwk9y5elHgZjQTtjVc+vDiQ6"
    "3YfVkPosSAlEU7QdTCzXjzjIWHWBUjZkTxLCtm04DetvFYzqdT6mQgf8e+5QgiMZJWzO0i"
    "pePFP+6KIQ91jlc3178E1dPjkITcZC617AwmOn+yx0j0bH/GbDeZOZ8ZDyxjvufv5gmi9u"
    "ljazHViRnjVXGO02wE5iYxKnWADK9iY2eduy2rlO2b15tnUiaMOu6AUbci2mk6jfXTWEei"
    "UWnDWUjRCq5EX4BsIleyc1bo+cxcc5iTlHqYGz3MsSgL64x1BvkGBrxhR1Zrx3tQic3OIG"
    "0fQ1LbpSj7ca0FliLdyuLaprTTprUVjlW1dZUi02uq1JqSLptJwxQ8w10r1xUiSbQ9Z4iD"
    "unDesCeEOWdr7FERld6eGrY9Vbh4lB15I0OS/uCTf/ztM4tMoxuJutGwbSzPsv29Tnv0r4"
    "HSp5Nhjo4Ku0XW6FBxVPoK1r/EwAtWNp1Ll8zwFhJ8sRmVQcyzPur+nEdqG1OLz10m+/uk"
    "z77NLJiiidBlFlB4j8mecPzPKria6k3qRtZ2XnzPPS0P1r3v+CX3nSgQGl7qmnPXsr2Abu"
    "yb15c3P5G+t70lQ7PB0WZxBpPBGo+Zk45J9/6eJzoYNsy7BGowZ6WhCVX3zWZzF3+FGI26"
    "5PrL1RX0asgInldkL6t3+pJXg3SQ+b4A+v5RvfePmutrsfuzOmk1im/Dq2B/tAXN8+/OIE"
    "6BPkLqHZzgBTj/fPPlw9UF+f3zxfnl7aVvlw6ZQlWIj+CB5fnCfb44u0rB/sCWla/WxWn0"
    "fv3kzEYgMuWeD9Y4V5aMEa0lSDaM1/VFyb/2eoeH73oHhyenx0fv3h2fHoQy5WpRkXD54f"
    "IXlC8TY7AqcCoQXfrAqlxoSBK1CPyNyfE2cM8GcohrSPNpWq3Pb5pQHx/pSMyoOs5JSm2m"
    "a/Qwa8VciwdXe1S8imHWHhWtHeYKavY6VceXkXdmJ0N5HC/uFqmPY16e9d9m0spJrZzUyk"
    "mtnFxnVmstmdaSaS2Z1pKtGfdDy11tZci13PUqhrkhctcVXSrRZkXi8gq6RbKWjVVKu+k4"
    "wvVy/ymyn0g/CO7UJ8Ix0RNl5rAhMxn6jexRMrHGE+aFLl5YPCsj4wbaVNGPpUsdt69Cjf"
    "UZN/vkgbGZcldx0V2FSrJwLNdl/D25vL0hpycHb4HcnZD+n32VqZByYqkQKW73nsN3LBRz"
    "F5+L0UgyV9VaUNv+cWiL4QPBNdcli4k1nKBvDmzJZpBjMQhO94O85//BjqoYaUhA9qTAIG"
    "kqxQ9GglbFU4GJJWNte6PiddByc/1sviZiBuoQaVs8xnWItG2ySlpJUK+SAGMjVQrsEBLo"
    "sA7PCOsQHH0GAJDBHRbc2UgTtnCin5aY5qe5k/x0RX0QQOa/oPzunEGpN+mMTVqxYFVmcU"
    "jQwtm7qdQNMVcLXkmF61dv33WuzSMLOzR0YJhz3yT/EEzT6bPwOQG9Xi7sfNOgfxVx55sG"
    "et5lq+7uBJ7H225D1slQBPkl3SJNEFd1ajC4J7UUcmKNXCM8+oPYtd7bn6e6eHXW+frDiK"
    "ZGq4r2OkW6HfW19gFc00iRGUK6OGh3S8/belKAhRtwSaEzItCyZjNyJjRaKNq8u4V/Uc7I"
    "y45bcNlulVRftStz1a4BXvY7hPjOnbGS8XW8AGJk+hpFk4d3+xHJG3YkFY1mywKS7w7ytS"
    "jrtOva69jStE5W62Rffi3VrZPVoceaEXosAVmOFjsOabEuOzGO5ZKmTpmU1PPLQ7c8DNeI"
    "YbHws5+IVUX2cgMXPs4AOvQdJA4bCsdEwsVkSbgYCHMJNHPbJAPm5UhlZob741beig6S6G"
    "e5gKe24GOp2uKxiGEkaB+aN8VoRDz1E9nrex/6XSIZ+iki0n/xLQX7s+WbLuEYJY0MhDvx"
    "HDExdBpT0cqU8yUmWccO4pehTa2pF21tImBCqIfYrcXEslkyLSzQQ+dsjJ+majEJ8xue3n"
    "PfjxPwsZeeh6RyuYSp4r0Nuur9Oi+02WIiJFMB3aAVdOacu9AyhxcRAT3H1hhUF2it+KEg"
    "ES1LZGKzhZgpeR4Gy5t5DlQ24o58QereyC0TE6VFer3V8pTt42tYJUxI4kgXOCeXTWf4X2"
    "dZe2nzSDANSip1g+papZvpPsSqYBlU11hmYJmxHZWENYNSI5xlgEjv3uUhziLVGOfPYgVK"
    "hdMsRdZC8XPzWXV8zKqxDQmiFsJciyV4q5b2hkmVW4LXqHpdJEHUQqDruDKiLfB1W+CpaY"
    "LYWymXXIykfQi/PSg1j7Fa/sl3kDGT01J2ydmcJGsf3oe9Emgf9nKxxiKdHHGrbJyvG8qA"
    "OFcaiZPojDQNzEjTtDncJgMnfaSWwnmd3IMpWu2c0+CBVvr/KgdPSKDP9afPdQWWIRa8mm"
    "ibImsf0m/LMqxF/Goa7BUrUMV9K4teB1lv8uYlGV9noGNkenybPL4zRzxaJnOqBulMkrVv"
    "+6xFQcgcR2ScUvlOuiFBGwDetouudhR9FTtY5BxTcQ9bIWzDIqvHCyV9mbAi0gkijXI2yg"
    "UeuUn/r2f65F4kGtst3Ms65a4s7Wy33DK3ZCvjG8U7aCe2icW8vrszHXpxrSz+8Exv5zPV"
    "0hU0tLsn8XadnW8egbEE9r2T4egclnWLnJyFX0vnyHhZN9NNBaTKdzPV0RnqlQlVkJJ1NC"
    "wxOi2hNFtCWevu9UavXpcYXm3e0Sns9DDr+6j6PmojQd/SfdQ6xY7fVWavTobQ4Zd0i0QO"
    "lRfM0hLHC0scOivfrntPx3u2AnO+LSpFtj20O50XYE/qMEg5bMayuMT86O8hgfaO1BnMXi"
    "XbrTOYtXaYV1j+MmYDvHr9THuBx2ze+ne4d3PQt2sviCGWy7wHeD7BwC+NcAQ3Hel7FgoR"
    "OhvZFo9knY1sq5dCYHtbGn6U2wyNSH5k3BVKHRi3TGDc5uYwb7POL9rLn6nxizRLOwZ4WX"
    "1fYqqt747hxVPYCGd1p5pqEeRb4K18zHK5qwjTJ/mr2EiWSasb6Iu7BC33GIzNvypPqBcO"
    "zg+LJn8i/TDohh9jjbrwBxD9QRLLzMqvu9nGs/O7BLGYNM+neb5m7CMbj0W0rBiEaKmjD+"
    "UwHrsUfegFgxfW4+jEZpkwF4bZy8b49e4LRXbyzCCGa3LMLVOPpbnm2NRqkoU89E/IYATj"
    "vgv5TGDAcWkzuTaTazO5NpPvoJkczXH/Ebwayxuj2SLkX+7O60K97ghvj8yR1eS0GIV2R9"
    "DuCK/GTq3dEV7dMMfyUSfHOD+7V4xEZ/daP7uXD6MxsylfY5VlkOvYaA1baGv5/Qwp8EIm"
    "dQw5H4SoPdNcde63eRtrcmdX6KrVKhEljS6Be3seXFfYxu4eTMUA+bfaHbHYQO6tUtf/dx"
    "KmxL3v9UGKXzJvC0y16gWtMb/kH6llz51s5WCiQrdQQwhVDYsbI69yhRRlDhvNJTMJtvCj"
    "xTFrF6a/WrABebTYoksGSz/XlsW4S/yA4MTCpFdTRkaOmJI9ysnl748nYSnQYPItFRkQxF"
    "wygG85ycq2/P6nVaBfE3HSAU+Pv6+WGuuDNX4tVue/9nqHh+96B4cnp8dH794dnx6EYvdq"
    "UZH8/eHyFxTBE2zL07bpFwhq37Tdq26tUrQIKjLuCUJ94X2HefY6z8EvUu3DK8ffFz/oSP"
    "6ph/5H2ibWGrcCbRZ7KbOYVnS3dpPXiu5XMczr6d+8jEPP1bh5rXyC81OYuzv02xX+/2CD"
    "W5BBchKTx0oLGSCQkg3pVSzvGw6CNjNR1PYpg2zakcj9wGYgaXvptOWE9o5PgjqWqQTroR"
    "APFsjk1HEsJjOdxDf/FswGfukSxk1JqEv67NvMglUDe1K/SygI+zB3CG4/nlIgVCig0/lc"
    "Qs9QaWAKppKCk6l4ZCrr+WLCuHodJg63JPH8xsx7voctIJmYu2WVBwW8ojGhclKNYQxJWs"
    "c11u9JpVma1p51iTB84SZQdZiTlFo70bRRboh24ow51nCSdUj7JYUHNI3qNEZF8VoU07Vd"
    "h8r1sss/y/Pd7Fqhk6jjagkuqgoI+9VbiG4tSb9Q9GM849DMd4aKkTzLGappaG/DG+pFD7"
    "Pv/wfBP1o+"
)
