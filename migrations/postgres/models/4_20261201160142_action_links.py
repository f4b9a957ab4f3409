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
COMMENT ON TABLE "action_links" IS 'The sha256 of one notification''s link that acknowledges or resolves its escalation (store/action_links.py).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "action_links";
        DROP TABLE IF EXISTS "server_keys";"""


MODELS_STATE = (
    "eJztXVtz2zYW/isYvcSZUVNbdVxP+uQ4ztZbx87Eym4nSYeCSUjimAIUgrKidvPfFwe8Uy"
    "BDSqRM0XhJbAAHhD8AB+eGg396M2YRh784Mz2b0Sub3vdeoX96FM+I+EFR20c9PJ/HdVDg"
    "4TtHNseyneGIhrIC33HPFYWibowdTkSRRbjp2nNoBxTDKUF8igcvTxAbI0YJosyzx7aJoc"
    "UzjqAv5E2xh7B5T9nSIdaEcMRc5BLOnAfxs+1xJHrFjqRBB9xjLvk5OZYX89XzFzAgi5li"
    "RDad7PjbX+gXCp/z2D2hQEScMbI5ouSBuEgSWa9EOZRZxLUfiIXwBNu0L74vRimmo4/EOK"
    "D5Svzgkdncg1FDbXLU8q9cUPvrghgemxBR74q/9fPnXrKVnBs5xt5ff4mfbWqRb4RDQ/h1"
    "fm+MbeJYqaUgh25MMZ8Ctaw3vNVc1p1PsftWUgDGd4bJnMWMrlPNV95U4BKSiamA0gmhxM"
    "UesRLLhC4cJ1hVYZH/V4kCz12QaNBWXGCRMV44sNiA2h9JXNYzjOuboXF7MTSM3tpCDCkS"
    "6yMoMhmFRWxTj0s8Zvib4RA68abi15Pj7/53Yjz8VvDB/5x9OP/97MPByfFz+CATO8HfJt"
    "dBzUBWfZddYA/7nchZiGEPpqkC5DFFPXCHBTHe8V7eOeBHJyUAPzrJBRyqAPAY4OS+MGyr"
    "CtIK0g5CPiizxgf5a3wg1zjwlfG9colnOVMa/reCN9oT+gdZyUm4FCPF1CQKsIPD6jrT3Z"
    "6B/z1cZWFpzOBcvIwYs2rxiR8EAsTzl+3Z7fnZm4ueRP5OHGBL7FpGagqghg1YpiRqu141"
    "G8yyJZjiiQQJ/hoYezAL51gsIAu7t4u7JAxrooWyXaGQYQYUBk+QlBQ3ztCYiKM1OO65OS"
    "XWwhHtkr+hse14RBzI4rSWFQtO3D6c+uEv4ofgJA5p1oWLxr4EosQI6sSkjxCgyRFGc+Jy"
    "0RbzqKEQJBg6oMzvxyUmcy0hbxCLWM9foDewTsRQffEiHI+/evgXCmJNCt4+4gza2q6Uij"
    "jILHO0ZO696CRP6CgrWlTjunUy2haJEseHJdjs8WEum4WqYlEiWDRVsE6QbAR4AGdbeGvm"
    "YHv5sszJ9vJl/tEGdRlxAv6vIkME7bsoOByWWdKiVT6+h4dZfLUa0qAaEsNsugSgMLC3Dv"
    "MbUePZM6KGOk2ZgdoKSF+EP+zhIi+Aenj57uJ2ePbuPXQ/4/yrI/E6G15AzUCWrjKlB1ll"
    "JeoE/fdy+DuCX9Gnm+sLCSfj3sSVX4zbDT/1YEx44TGDsqWBrSQmYXFYlJrm8OSveCxkyL"
    "p3NNSzoQp0nhDBGvSd20RX+4V5WVUns9xapeYw6gmN452QeVlaqFU2KFZs/KbGTLYtqdHc"
    "CE1hiVegQQjGa06FLgBC2yvxv+hvbE8WoF+YU0wpcRCmlpT4BYsQXMQ3X/qKpNARQDng65"
    "pMI19Qmiih24DL2dWMkyr2dUm9CgoErL7MBgqWYntlgAkM4afB0fGvx6e/nByfiiZymFHJ"
    "rwVc7PJ6+AN9IZqG8tAmSX4M8B4c9vVgnJCr/G1S5bBNkHRQSahfdA04TyWTeUzSQYiPDk"
    "spYtAs325+uK6KPYI9od1A12ZQKBAcwzNyS6HxY9DNnuFdVmJMrLM2SYsXkadYJSomagvl"
    "xNjfXE5GzEf3xzbbz2JjYm8hPyTwFLWfxSHv2OYqgBcKtWG3ef9ZsaCWmJCyaKeIOsiM6x"
    "csfMTWMf737c11EcYqO5hteuh/yLH5PgrFBcACFinjVwjowbuzP7NYn1/dvM5ataCD1xng"
    "+WI2w64C+SH5lqOIJEg6sbaLjI4Xfw6LIY9sjlc31/8Km2fnIQ25RTxsOwohOn+xJ0j0at"
    "9itVvEWsyNe6JY7/ncPEXUPXtsI646Nie0Ks5JmlpgbpOg0gTIsfhY2rkQUXSCczcdv6Y9"
    "dRsdmvvmqVvMrQ2nOU2pp7nV05wINN9krhXkNUx4y0SDzs73XSVRREGqBb9SMklwe2OTDZ"
    "Yh1ZurzZsrmqxqGytDpjdVSUGfzLlhMaqIacn1F6eJducxPmwK55rdxdaCbMCkYqqd8Kdd"
    "aqz7zp7WPHv5jij1BRmFKv06IH/7xwcS+49quRzTMjaW5/773qTT7gqvpGtszV/nV/SLXH"
    "UONCl9N8Vlnn+NVJL9hkZhOM0IMdcSHaG5S0xiEWoSdIDR1J5MiX9ZZGlTrrjiWkOf8r4J"
    "97DrjWRw14hQa4TuCZnLOC+PfPPg2snStT2P0Ffo8vYGnZ4cHglyb4pGn0ZozFxBiWzplP"
    "b6X6j4HSrZwoNyNh5z4slWS+w4P5kOM+8RcKc+Wk5tcwqXYl2CLdFD6rrKM/6F/g0DlVFp"
    "QIAOOIOwtCmmEwJ3b2T1jMFN3UTf/qz4A7S95/kBackoTR2UtsMTUAel7VLK0HdWmr2zAt"
    "EolVxpEYF2pG3hSAuPPkMAoJChCxTALGEHF/ppiWV+mrvIT9dMKiFkwQfKc2cFpWbSCiYt"
    "RbCKfjS3q6u3rsuyMbxCqq0CbtC8e7ah+pEVHFoMwMxRXvMPwSydPgu3CaF6vIt+bYP+Sd"
    "z0axvoHbjqB6Yzk/QUhqCgpl9kCaKyTQMB22krBZ/aY8+Ijv7wtoD/9e1MFzpwu/bA7cxs"
    "VbHxZ0h1WEfrTP1ZC0CVHRXdhO3egdtM1pWIA5fUOmMCrWy245pqq7Wi+i+TzGy68Ag37s"
    "hYiIEK4dBhOGftrpNmAB8D7R6u4gKM39x8fH11gd5/uDi/vL0MFKSIxctKKf58dWxfWPxw"
    "cXbVPmf6HiG+d2csJ3STiK4EmY6WaPP07v4SWMuOpCd0B2x/kG/EWqfvdDwNlqaNstoo+/"
    "h7qWmjrA5kbEcgYwqyHDN26oWIQmN2ah7L5ambEc6xH5gn02B7EEPoZ74Oct+hA+ZCEQ7z"
    "ycls2DhMXy0Il9MVouyOWStBs3AsdEf8tHSQ1rqXAX83X4UISQi0XIpSh9EJl33R5LsgYf"
    "+ie4uNx8g3P6GDkf/DqI84gUBFQPrnwFUAD4f0gxdC7pg39SMxHYI5GUFIpBe9JxK8A2I6"
    "2J7575VMmVgQshCGtZzaDkln4hP0YnAOvDoiWxEu1rco/UKDQE6Bj7PyQyTDF0j8r8lM4P"
    "DX0YkNQaJTxgmSo0IuRHMuPNEzFR9CTIwceiOiOQN3xbOC3H8klfzGYWwu9XkxWf7Kc0Vj"
    "IxnJF2ZLjOMyITdNbNdbr19LbRM2ie6Au9wzgsdVQILSiW0e2T8SLoOSRt2wuTbpKuOHSB"
    "Usw+YaSwWWCnZUElYFpUZY5YDIcu/yEKtINcb5q1iCUuE0y5B1UP2sP0lHgFk1sSFF1EGY"
    "G/EE79TT3jKtckfwGlXvi6SIOgh0E3dGtAe+g3miW41wU2mi17Tskqs5TdY9vH8ZlED7l0"
    "Eu1lClc63tVIwLbEMKiHO1kSSJzm/RwvwWbVvDXXJw4gdsS5w3SWWWodXBOS2eaGn/r3Lw"
    "RAT6XP/xuS7BMtiSVlNtM2TdQ/qorMBaJK9mwV7zAlXkWyp6nSauzcyLE7rJRCfI9Py2eX"
    "7nLnuwrcpvFWXIusc+GzEQEtdlilMqP0g3IugCwLsO0dWBok+Cg8XBMRV52BphFzZZM1Eo"
    "2cuEFZFOEWmU1SgXROSm47+2jMlNv6S2X7iXDcpd29rqsNwyt2Qr4xsnPOgmtqnNvHm4Mz"
    "b9xFY2vd8y2vlM9nQlOtrfk3i3wc43D0KwFOJ7TxHoHNX1i4KcWdCq+UcWdZjpLjJS5YeZ"
    "6uwMjb8B5W5kYUnQaQ2l3RrKRneva716XWJ6tXtns9nVZoYnMc36Pqq+j9qCvbTPSQLf+y"
    "8+K5SO99Fb0Pkqh3wv2tYaxyNrHHXFmuZrHDrjfrPR08mRrcGc74vKkO0O7V7vEcSTJhxS"
    "LpkTlZSYn/49ItDRkWuX4LTY/RTEbv20b2eneU3kL+M2kI8ibucv8IXN2+AO935O+m79BQ"
    "nEcoX3EM8fCPArI5rBulN9zyMlQj9HtsMjWT9HttNLIYK9rYwgy63CIpKfGXeNUifGLZMY"
    "N+BaFcMjk0Qd1Esbt/nFvHxLi19sWdozwMva+1JLbfNwDD+fQi2S1VB21SHIdyBbBZjlSl"
    "cxpj+UrxIzWeZd3dBe3EfguYdkbMFVeYT9dHBBWjT+GxpFSTeCHGvYE/8IRJ9xZFuqB3br"
    "7Vz9wEuYi0nLfFrmawcfqT0X0apiEqKVzj6UI3jsU/ahR0xe2EygE5krYS5Ms6fG+OnyhS"
    "I/uTKJ4YYSc8fMY1mpObG02uQhj+ITFIJgMnYhXwgMJS7tJtducu0m127yPXSTgzvub0ar"
    "ibwJmh1C/nF43hTqTWd4eyAur6anJSh0OIIOR3gyfmodjvDkpjnxIHV6jvNf90qQ6Ne9Nn"
    "/dK4DRmDuYbrDLFOQ6N1rLNtpGcT8mFrKQhV2DL+4i1LZ0V50Hfd4mutzbHbrutUplScMr"
    "Ib1tB9cV9LG/B1MxQMGtdpcta3h7q9T1/72EKXXve3OQkpfMuwJTo3ZB4grE/iDKyzNxZb"
    "/QMiibQcro8r5hIpQTz3/jSlDDq1wzbBE0Zi68mEWccR8xKkrnxEVgqLqDl64OoFowfEkn"
    "Phc+weVnfEAy44PiObLmP7eFTfNxjW1Pyq75gJ1FJawjgg5aNo8Gp2UcnoPTfI8n1GlbhZ"
    "atd+nH+sgle107qj4GyUHyTymIE9K+q864/7X76rHcV5rJd5bJa4P0k5jmzexk/stA21rG"
    "/F7eifOTWfs79btV0s+Ia5tTldgT1BQKPjhu0xrJR0dDbxkNnetkL9Bmc73snRB1mogshU"
    "1VAeGgeQfRbeTNDzhRCFWIF/m+0ATJVr7QtqG9C2foo2rw3/8PcYVEkw=="
)
