from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "sign_in_failures" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "address" VARCHAR(64) NOT NULL,
    "failed_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_sign_in_fai_failed__9aa240" ON "sign_in_failures" ("failed_at");
CREATE INDEX IF NOT EXISTS "idx_sign_in_fai_address_9b0a61" ON "sign_in_failures" ("address", "failed_at");
COMMENT ON TABLE "sign_in_failures" IS 'One refused sign-in to the web view, by the client address it came from (an IPv6 address by its first 64 bits).';
        CREATE TABLE IF NOT EXISTS "web_sessions" (
    "id_hash" VARCHAR(64) NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_web_session_expires_1a4c9b" ON "web_sessions" ("expires_at");
COMMENT ON TABLE "web_sessions" IS 'A signed-in session of the web view, kept as the sha256 of the id its cookie carries.';
        -- The links' key no longer comes from the database (server_keys) but from a secret outside it: every link
        -- made under the old key is dead, so its hash goes, and the table comes back with the time each link is made.
        DROP TABLE "action_links";
        CREATE TABLE "action_links" (
    "token_hash" VARCHAR(64) NOT NULL PRIMARY KEY,
    "action" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "notification_id" VARCHAR(24) NOT NULL REFERENCES "notifications" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_action_link_notific_784dfb" UNIQUE ("notification_id", "action")
);
COMMENT ON TABLE "action_links" IS 'The sha256 of one notification''s link that acknowledges or resolves its escalation (see nself_oncall.store.action_links).';
        DROP TABLE IF EXISTS "server_keys";"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE "action_links";
        CREATE TABLE "action_links" (
    "token_hash" VARCHAR(64) NOT NULL PRIMARY KEY,
    "action" VARCHAR(16) NOT NULL,
    "notification_id" VARCHAR(24) NOT NULL REFERENCES "notifications" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_action_link_notific_784dfb" UNIQUE ("notification_id", "action")
);
COMMENT ON TABLE "action_links" IS 'The sha256 of one notification''s link that acknowledges or resolves its escalation (see nself_oncall.store.action_links).';
        CREATE TABLE "server_keys" (
    "name" VARCHAR(64) NOT NULL PRIMARY KEY,
    "value" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "server_keys" IS 'A secret the service made for itself, once per database (for now the key of the action links).';
        DROP TABLE IF EXISTS "sign_in_failures";
        DROP TABLE IF EXISTS "web_sessions";"""


MODELS_STATE = (
    "eJztXW1T27gW/iuafCmdyXJpCpTb/UQp3eWWQqekd3e27DhKrMQeHClrKaTZvf3v90h+d2"
    "xjhzg4Rl8gkXRk55F0dN509E9nykzi8P3TkbAZvbTpXect+qdD8ZTAh4zaLurg2SyqkwUC"
    "Dx3VHKt2hgMNVQUecuFCIdSNscMJFJmEj1x7JttJir5FELdw7+gYsTFilCDKhD22R1i2eM"
    "GR7AsJCwuER3eULRxiTghHzEUu4cy5h8+24Ah6xY6iQXucQC+cOGODUSh19rlgLtmPv9zL"
    "ffl6JhvB+9l08qRvcktvqXy4YHeEyi6gPbI5ouSeuEhRmG+hXJaZxLXviYnwBNu0C28D7w"
    "xD1UXwVrL5Ej4IMp0J+Rtkbfw3dNHYZVOEb+kdWXq/RD6GwT+qGpsYRhJzgogNX919NBi5"
    "BAtiGlgMZNuFRbyWCosF5miKTYL25O+OPwmNbZeLWzpysD0l5su3MSLm3nE0BtSubs4vPx"
    "jXV2enl5fG5cXVR6Pfv/ReEVpTNUJzav81J4ZgEyLfCMbp27dO/Elqlik4O3/+CZ9tapLv"
    "hMuG8uvszhjbxDETk1oBbViYW5Ja1RtiOVN1ZxZ2PygKOT+Gxog58yldpZothQVDGJDBNJ"
    "KlE0KJKwGLTXg6dxx/fQRF3q+CAuHOSfjSZlRgkjGeO3LZSGrvTaKyjmFcXfeNm/O+YXRW"
    "llRAEZvbftGIUbkcbSq4wmOKvxsOoRNhwdfjwx/ecyI8vFbygf89/XL26+mXvePDl/KBDN"
    "a0t+Cv/JqeqvqhuoBJ5HWiRiGC3R+mCpBHFJuBOyiI8I640tYBf3VcAvBXx7mAyyoJeARw"
    "tFhXQX4PNQLWYjbQScoU2KZPuh982EHoC6DuX3w6v+mffvosu59y/pej8Drtn8uanipdpk"
    "r30sMSdoJ+u+j/iuRX9Mf11bmCk3ExcdUTo3b9PzrynfBcMAP2EgObcUyC4qAoMcxx9mfY"
    "ZpUFlUHawpXVK8PKevmsrKdYmdw+xneZnCy9ASXh/wAbtj2hH8lSDcIFvCmmI5IBti9dXa"
    "W62zHwfwSzLCiN9jEXL8L9N2vywQdAgAhv2p7enJ2+P+8o5IcgYy2waxqJIZA1rMdSJWHb"
    "1appb5ouwRRPFEjy18h3D2TcuWmLcyrcZaYEHNUWS8CyneGwSTnx9zeLoZGFKbwRCFdYgC"
    "BHTSVmrQqoD7TNEJVSAtG3jsffAXuo+daRYuvc9WZm8NkfGGiYaBIrzhWrqrGiTXKfBolR"
    "m+E9hWJU5d1d7+o7sKsDm2BuReHYI2jjDn50VGYZHR3lryNZlxSP4+yuLMhxmhbi/LpXAu"
    "bXvVyUZVU2yBUF0xRZC6GuZUprlbrm6TwkY5DmVwH+z831VTbAEUV6w7VHAv0POTYXJYD2"
    "JZim4FyAq4QisckGeO59Ov09DfXZ5fW79O4pO3iXnthjQTJ2w3zYQwKNejXUV9Tcp9G+zj"
    "CsYhO7N/NhHKoVPSyzXbdIIxv5FAaPkZT0TpyiMQFty/cH8JFFzLkD7eLf0Nh2YO5BM8FU"
    "xZwTtyvdAsEX+OAb5wOaVeWutidJ78JA1sHWOkASTY4wmhGXQ1vMw4YcmQztUeb145IRc0"
    "1E4Z2I+XIfvZdaOryq53EI3sfT3fktlfb/BLxdxJlsa7vK6s+lG2OmbP/QSUl1VSuaRXvd"
    "4UGJve7wIHevk1XFiqY/aapgHSNZC/CG8d8tSHDqfwWEg/YtlN56B2WmNLTKx/fgII2v9v"
    "XV6OvTrqdnZqQKdv6K20KKrH1bw2YWVIHHKUBwA96mm1hXu4V5WUdTaro1ycl0xqgAjeMT"
    "yLwsKdRmNihWbLymxlS1LanRXIOmsMBLqUEA4x1ZoAtIoe0t/If+xvZkLvUL6WaixFEOJi"
    "nxA4sALuLFN3luPNARpHLAVzWZWp6QGQcku/W5nF0tAiiLfV1QUUGBkLMvtYD8qdhcGWAi"
    "X+Gn3qvDN4cnr48PT6CJes2w5E0BF7u46j+gL4TDUB7aOMnDAO/AZr8ZjGNylbdMqmy2MZ"
    "IWKgmbF119zlPJiB6RtBDiVwelFDHZLD847WBVFXsCe0Kzgd6YQaFAcAz2yEcKjV/9bnYM"
    "77ISY2yeNUlaPA9DybNExVhtoZwYBaSXkxHz0S0TYgQzSczVg4Iwoxlz7NHSh1cWasPu00"
    "YQJQakLNoJohYy480LFh5iVZyYEcWjvJhNA3rbzmM+n06xm4F8n3zPUURiJK2Y20VGx/Pf"
    "+8WQhzbHy+urX4Lm6XFIQm4SgW0nQ4jOn+wxEj3bHzHbTWLOZ8YdyZjv+dw8QdQ+e2wtrj"
    "o2I7QqznGajcDcJEGlDpAj8bG0cyGkaAXn1ofEmsi5d85TN5+Zaw5zklIPc6OHOXYSfZ2x"
    "ziDfwIA3TDRo7XgPK4kiGaRa8Ct9cMS5X2uBpUj14mry4goHq9rCSpHpRVVS0CczbpiMZs"
    "S05PqLk0Tb8xgf1IXzht3F5pyswaQiqq3wp21qrLvOniqczshOT5ChSr/zyT98/EIi/9FG"
    "UhM0jI3luf9+1Om0u8RL5Rpb8dd5Fd0iV50jm5Q+m+Iy4WVbUmQ/o0EQTjNAzDWhIzRzyY"
    "iYhI4I2sPIsicW8Q6LLGyalQNrA32q8yZcYFcMVHDXgFBzgO4Imak4L0G+C3nsZOHaQhD6"
    "Fl3cXKOT44NXQC4sNPhjoHJDYYps5ZQW3VsK32UlmwtZzsZjToRqtcCO89PIYaM7JLlTFy"
    "0se2TJRFUuwWaQ1SoIB3zBb+nf8kVVVJokQHucybA0lVRBnr1R1VMmU3nF+vZGxXtBW7zM"
    "D0iLR2nqoLQt7oA6KG2bUoY+s1LvmRUZjVLJlRYSaEfaIxxpwdZnAAAZMnSBApgmbOFEPy"
    "kxzU9yJ/nJikklgMx/QHnunEGpmXQGk1YiWEU/mtvW2bupw7IRvCDVVgHXb94+29DmkQUO"
    "DS8wylFe8zfBNJ3eCx8TQvV0B/2aBv2zOOnXNNBbcNRPms5GpJNhCPJrukWWIKra1BCwnb"
    "RScMseCyPc+oPTAt7TH2e60IHbGw/cTo1WFRt/ilSHdTTO1J+2AFRZUeFJ2PZtuPVkXQk5"
    "cEmtMyLQymYzjqk2Wiva/GGSqU3ngnAjLyHhB4fhnLm7SpoCfCxpd3AWF2D8/vrru8tz9P"
    "nL+dnFzYWvIIUsXlUq8ecvx/aExS/np5fNc6bvEOI7t8dyQteJ6IqR6WiJJg/v9g+BNWxL"
    "ekZnwHYH+VqsdfpMx/Ngadooq42yT7+W6jbK6kDGZgQyJiDLMWMnrmEsNGYnxrFcnrop4R"
    "x7gXkqDbaQMYRe5ms/9x3aY64swkE+OZUNGwfpq4FwYS0RZUNmLoFm7phoSLy0dDKtdScF"
    "/naeKiMkZaDlAkodRidc9UXjF4cG/UP3JhuPkWd+QnsD78Ogi+TNoh7S//JdBfuz5cuuf2"
    "nokAnLi8R0COZE3d0pwitG/atB1eWc3jWgFoMJoQrlay0s2yHJTHxAL+8vlReRqlaEw/yG"
    "0lvqB3ICPs7SC5EMLiX1nqYygctfRye2DBK1GCdIvRVyZTTnXEDPVF5CyuDNZW8EmjPprn"
    "hRkPuPJJLfOIzNlD4Pg+XNPBcaG/FIviBbYhSXKXPTRHa91fqV1DZBk/AMuMuF4d+3auir"
    "sR7apev3jwTToKRRN2iuTbqZ8UOkCpZBc41lBpYZ7KgkrBmUGuEsB0Sae5eHOItUY5w/ix"
    "UoFXazFFkL1c/NJ+nwMasmNiSIWghzLZ7grXraG6ZVbgleo+p5kQRRC4Gu48yI9sC3ME90"
    "oxGuK030ipZdcjYnydqH9+Yvt9S51moW43zbUAbEudpInETnt2hgfoumzeE2OTjxPbYVzu"
    "ukMkvR6uCcBg+0sv9X2XhCAr2vP7yvK7AMtqDVVNsUWfuQflVWYC2SV9Ngr3iBKvKtLHqd"
    "Jq7JzIsTus5Ax8j0+DZ5fGcuu7fNyncVpcjaxz5rMRAS12UZu1R+kG5I0AaAtx2iqwNFnw"
    "UHi4JjKvKwFcI2LLJ6olDShwkrIp0g0ihno1wQkZuM/3pkTG7yJrXdwr1sUO7K0s4Oyy1z"
    "SrYyvlHCg3Zim1jM64c745GX2Mqmd4+Mdj5VPV1CR7u7E2832Pn6HgRLEN87GYHOYV23KM"
    "iZ+a3qv2RRh5luIyNVfpipzs5Q+x1Q7loWlhid1lCaraGsdfZ6o0evSwyvdu+sN7razPAs"
    "hlmfR9XnURuwlnY5SeBn78bnDKXjc3gXdL7Koe6LtrXG8cQax6ZiTfM1Dp1xv97o6fibrc"
    "Cc74tKkW0P7U7nCcSTOhxSLpmRLCkxP/17SKCjI1cOwWmx+zmI3fpq39YO84rIX8ZtoC5F"
    "fJy/wBM2b/wz3Ls56Nv1F8QQyxXeAzwfEOCXRjiCm071PQuVCH0d2Ra3ZH0d2VYPhQB7Wx"
    "p+ltsMi0h+ZtwVSp0Yt0xiXJ9rVQyPjBO1UC+t3eYX8fJHWvwiy9KOAV7W3peYauuHY3j5"
    "FDYiWfVVVy2CfAuylY9ZrnQVYfqgfBUbyTL36gb24i6SnnuZjM0/Ko+wlw7OT4vGf0aDMO"
    "mGn2MNC/gDiL7gyDazLtjdbOfZF7wEuZi0zKdlvmbwkY3nIlpWTEK01NmHcgSPXco+9ITJ"
    "C+sJdCKzTJgL0+xlY/x8+UKRnzwzieGaEnPLzGNpqTk2tZrkIQ/jEzIEwXjsQr4QGEhc2k"
    "2u3eTaTa7d5DvoJpfuuL8ZrSbyxmi2CPnX/lldqNed4e2euLyanhaj0OEIOhzh2fipdTjC"
    "sxvm2IXUyTHOv90rRqJv91r/di8fRmPmYLrGKssg17nRGrbQ1or7GWGQhUzsGnw+DFF7pL"
    "vqzO/zJtblzq7QVa9VIksaXoL09ji4LmUfu7sxFQPkn2p32WIDd2+VOv6/kzAlzn2vD1L8"
    "kHlbYKrVLmhP6AX9gG1n7mYbBxMNuoUWQmhq2NQYe40rXFHmkvGcExPJHn6yqby1S15/tS"
    "BDdG+TRRcNl/5dWzahAvkJwZEtL72aEjR22RTtYYouPt8fh7VAIy/fUpkBQc1FQ/iWc1nZ"
    "lp//sAn0WyJPOuDpyffVrsZ6Z0+ei9f5373e69dvegevj0+ODt+8OTo5CNXu1aoi/fvdxS"
    "9SBU+ILQ/7pp8gqX3TuFfdVqVoEVQU3BOE+sD7Dsvsde6DX7niwyvb31c/6Uj+rifjj7RP"
    "rDVhBdot9lRuMW3obi2T14buZzHM69nfvBuHHmtx83r5BPsnM3d36Ler/P9Ghjegg+RcTB"
    "6rLRSAQEs2uNewfGw4KNrElKq2Txncph2p3HdkBpq2d502t3Dv6DhoY5tKsR4xdmeDTo5d"
    "1yY8M0h880+Rt4FfCESoyREWaEC+z2xYNcCTBl2EQdmHuYMk+/GMAqFBQQadzzm8mTQamI"
    "yoS8HRlN0Tdev5wiJUPU5eHG5z5MWNmbd0T/YgydhclDUeFMiKhoW5VU1gDElaJzXWH0ml"
    "RZrW7nWJNHwhE6g6zElKbZ1o2ig3xDpxSlx7ZGVt0n5N4QaNozaNMVE8F8N0bcehcqPs8v"
    "fy/DC7Vtgk6jhaIhdVBYT95i1Et5ZLv6TqR2jGppkfDBUjeVQwVNPQ3kY01JNuZj/+D4Xy"
    "BaM="
)
