from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "inbound_replies" (
    "sid" VARCHAR(64) NOT NULL PRIMARY KEY,
    "received_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_inbound_rep_receive_549b06" ON "inbound_replies" ("received_at");
COMMENT ON TABLE "inbound_replies" IS 'An SMS reply that acted, by Twilio''s id of it (MessageSid): the same signed request posted again changes nothing.';
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
    "channel" VARCHAR(64),
    "address" VARCHAR(1000),
    "reason" TEXT,
    "due_at" TIMESTAMPTZ NOT NULL,
    "escalation_id" VARCHAR(24) NOT NULL REFERENCES "escalations" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_planned_mes_escalat_12115d" UNIQUE ("escalation_id", "loop", "step", "target_position", "contact_position")
);
COMMENT ON TABLE "planned_messages" IS 'A message of a notification rule that is not due yet: it becomes a notification when it is (see';
        CREATE TABLE IF NOT EXISTS "reply_codes" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "number" VARCHAR(32) NOT NULL,
    "code" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "escalation_id" VARCHAR(24) NOT NULL REFERENCES "escalations" ("id") ON DELETE CASCADE,
    "notification_id" VARCHAR(24) NOT NULL REFERENCES "notifications" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reply_codes_number_688215" UNIQUE ("number", "code"),
    CONSTRAINT "uid_reply_codes_number_435631" UNIQUE ("number", "escalation_id")
);
COMMENT ON TABLE "reply_codes" IS 'The code that an SMS reply names (3a, 3r): one per recipient number and open escalation, the smallest free one';
        ALTER TABLE "notifications" ADD "rule" INT;
        ALTER TABLE "users" ADD "notification_rules" JSONB;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "notifications" DROP COLUMN "rule";
        ALTER TABLE "users" DROP COLUMN "notification_rules";
        DROP TABLE IF EXISTS "inbound_replies";
        DROP TABLE IF EXISTS "planned_messages";
        DROP TABLE IF EXISTS "reply_codes";"""


MODELS_STATE = (
    "eJztXVtX4zi2/itaeSlqrTQD4VJM9RNFU91MU1CroE7P6UotR7GVRAdHylgOqcxM//ejLd"
    "8d29ghDo7RCySWtqx8um3t6386U24RW+yfmy7l7Jqyh8579J8Ow1MiP2SUdlEHz2ZRGTxw"
    "8dBW1bGqZ9iyoirAQ+E68qEsG2FbEPnIIsJ06AzqAcX9hCAxwb2TU8RHiDOCGHfpiJoYar"
    "wRCNpC7gS7CJsPjC9sYo2JQNxBDhHcfpSfqSuQbBXbigbtCSJbEcQeGZzJp/a+cLlD9uOd"
    "e7sP3bO4KftH2fhFe9JnfQYvd/kDYdCErI+oQIw8EgcpCuu9fA7PLOLQR2IhPMaUdWVvZJ"
    "/lUHWR7BVUX8oPLpnOXPgNUBr/DV00cvgU4T57IEvvl8BruPzHVGULy5HEgiBC5VdnHw1M"
    "h2CXWAZ2B1B3MSFeTYXFAgs0xRZBe/C7429CI+oIt89MG9Mpsd6+jxFx50GgkUTt5u7y+q"
    "Nxe3Nxfn1tXF/d/G7c3197XZS1mRqhOaP/mhPD5WMCPZLj9O1bJ/4mNcsUnJ3v3+Vnyizy"
    "gwioCF9nD8aIEttKTGoFtDHBYgLUqtxwlzNVdjHBzkdFAfNjaJjcnk/ZKtVs6U7kEAZkch"
    "rB0zFhxAHAYhOezW3bXx/BI+9XyQeuMydhp63ogUVGeG7DsgFqryfRs45h3NzeG3eX94bR"
    "WVlSAUVsbvuPTM5gOVLmCoXHFP8wbMLG7kR+PT3+y3tPhIdXC174P+dfLn47/7J3evwWXs"
    "jlmvYW/I1f0lNFf6km5CTyGlGjEMHuD1MFyCOKzcAdPIjwjnalrQN+eFoC8MPTXMChCACP"
    "AI4W6yrIv8gSV67FbKCTlCmwLZ90P/iwg9AXQH1/9eny7v7802dofirEv2yF1/n9JZT01N"
    "Nl6uleeljCRtAfV/e/IfiK/ry9uVRwcuGOHfXGqN79nx3oE5673JBniYGtOCbB4+BRYpjj"
    "259BrSoLKoO0hSurV2Yr6+VvZT21lcHxMXrI3MnSB1AS/o/ywKZj9jtZqkG4kj3FzCQZYP"
    "vc1U2quR0D/69glgVPo3PMwYvw/M2afPKDRIC43rQ9v7s4/+Wyo5AfSh5rgR3LSAwBlPAe"
    "Tz0J664WTXvT9BPM8FiBBL8G+h7wuHOLupfMdZaZHHBUWswBQz3D5uNy7O8fE47MCWayR5"
    "K5wq5k5Jil2KxVBvWJuhmsUooh+tbx9neJvSz51gG2de54MzP47A+MrJioEnucy1ZV24o2"
    "ufs0iI3azN5TyEZVPt31qb4Dp7rcJrhTkTn2CNp4gp+clFlGJyf56wjKkuxxfLsrC3Kcpo"
    "U4H/VKwHzUy0UZirJBrsiYpshaCHUtU1pfqWuezkMyktz8KsD/uLu9yQY4okgfuNR00X+R"
    "TYVbAmifg2kKzgW4AhSJQzbAc+/T+T/TUF9c335In57QwIf0xB65JOM0zIc9JNCoV0N95Z"
    "r7MrevCyxXsYWdu/kwDtXKPSyzXrfoRmb6FIaIkZTUTpyjEZG3LV8fIMwJsea2rBf/hkbU"
    "lnNPVnO5KpgL4nRBLRB8kR984XxAs3q5q+1NoF0YQJk8WgcI0BQIoxlxhKyLRVhRIIujPc"
    "a9dhxicsdCTPaJWG/30S9wS5dd9TQOQX+8u7voM5D/J+DtIsGhLnWU1F+AGmOmZP+ykZLX"
    "VX3RLDrrjg9KnHXHB7lnHRQVXzT9SVMF6xjJWoA3bP/dAgen/ldAOKjfQu6td1BmSsta+f"
    "geHKTx1bq+GnV9WvX0yoRUwclf8VhIkbXvaNjMgirQOAUIbkDbdBdrarcwL6toSk23JimZ"
    "Ljhz5Y3jk+R5eZKpzaxQfLHxqhpTVbfkjeZW3hQWeAk3CLnxmhN5FwCm7b38L9sb0fEc7h"
    "egZmLEVgom4PjlFiF3Ec++yVPjyTsCXA7E6k2mljdk2gFBs/4uR6tZAGVtX1fMrXCBgNmX"
    "WkD+VGwuDzCGLvzUOzx+d3x2dHp8JquoboZP3hXsYlc390/cF8JhKA9tnORpgHfgsN8Mxj"
    "G+ylsmVQ7bGEkLLwmbZ139naeSED0iaSHEhwelLmJQLd847WD1KvYC8oRmA70xgUIB4xic"
    "kc9kGr/6zewY3mU5xtg8axK3eBmakmexirHSQj4xMkgvxyPmo1vGxEjOJHeuXhSYGc24Tc"
    "2lDy881ILdl7UgSgxIWbQTRC3cjDfPWHiIVVFiRhTP0mI2DehtK4/FfDrFTgby9+RHzkUk"
    "RtKKuV0kdLz8530x5KHM8fr25tegenockpBbxMXUzmCi8yd7jETP9mfMdotY85nxQDLme/"
    "5uniBqnzy2FlUdnxFWFec4zUZgbhKjUgfI8lVk7Kzj27JK2b55vXkmZUKw4w4JdiuinabT"
    "WD+NdXQ1Kq04CylawZVoB8gmciU7p4Wez6w1hzlJqYe50cMci7KwzlhnkG9gwBt2ZLV2vI"
    "eV2OwM0vYxJLU5RdmPay2wFOlWFtc2bzttWlvhWFVbVykyvaZKrSnhkpkwLM4yzLVyTSGS"
    "RNszhjioC+cNW0JYc7LGHhVR6e2pYdtTBcej7MgbGTfpDz75x9+/kEg1upGoGw3bxvI020"
    "kNlA2mQBlynSo4ffYa+USEwOMdvhMVQ+WQmb2UdeQ7ngfXF2joQn5uE1J1Gjn8FkgSOxk2"
    "DlFht8jEIZRGlvbr+z8+9CLgTefCRTNwbZNfbIJFEEhvAAJl5xHbxpSyuUvEYB8NyI8Zlf"
    "teIh4elRTeY7THHf+zitinepNy89vOi/vMEx1C3X7HL+l3ouh64Ck4Zy61vSiB5IfXl7c/"
    "o4F3Zibj/Ul+iTIiJwMdj4mTDnT4vs8SHQwbZl0kaxBnpaEJVk6Ms7kLv4KPRl108/X6Wv"
    "bKJAiYILSX1TvtOdggwXa+gYl2aqvXqa25Bjy7P6uTqsj4NrwK9keb4zyngQziFOgjoN7B"
    "CV6A8y+3Xz9cX6LPXy4vru6ufGOH8KahCuGRfEA9A8svl+fXKdgfyLKyv2acRu/XT85sAC"
    "LzMv2BjnMFFDGitaQTDbtA+fKJv/d6R0fvegdHp2cnx+/enZwdhIKK1aIiicWHq19BaJEY"
    "g1UphgLRxQ+kipdMkqhF4G9MOGRL7tkADnENEVGaViuJmiYpio90dM2oOs5JSq37bfQwa2"
    "lviwdXm+m8imHWZjqtHeYKups6RcdXbMjnzFIi906G9DhR3i0SIFOvpgFqAErKSpEZuvt0"
    "h5TqIEgMI6dgFw2X6H5BbcrfCERVUDfqoj1fg3JHg3wokLkFCTpmxJKNyIkJAmE5OkF+Fz"
    "/atwqIMAnipiXFydvuQZ+FzQIZducOQSZ2HKoqIViPXlxyr09KoYKwrDSmj4T5rSoprxcd"
    "LpYth4ogkY6lwsfhPoNG8FL2pt85dPodtOBzW/4aEPsuqCBBfbSYUHOi0uXE2ptgod6PDr"
    "18Muh3MnMh5J3NQegevS1GJPoMOruXyE3z5fL+8ub+6vbG+OX8f++eLYQWFYPnaDH0mmJo"
    "h5iErmvblCDdzhGk+ckdPIFCp5PsAygqfuL8CSvW76St1WNaPabVY1o9ts6s1noarafReh"
    "qtp1kznJmW/LWVIdeSv1cxzA25d13jpbrarNy4vIJu0V0LJEpOaUNRh7ueOEmR/YwGQczK"
    "AeKOBbaQMxAWWARkWnsYTeh4QryMDAvKshJNb6BNldRBuNhxB0rYNiDMGqAHQmZKrOeCwS"
    "QWaOFQ1yXsPbq6u0VnpweHktydoMGfA5WAGTNEVeQ3t9tn8jsU8rkLz/loJIirai2wbf9k"
    "2tx88KV7StjmSeuwFaSODmLuvhF99m/oqAr9CgRoD2R5viQRJJGqeMohX3asbW9UvA5SN1"
    "fI9i0RCllHft3iMa4jv26TVdJCgnqFBBDysVK8qpBAR6t6RrSq4OgzJAAZ3GGBK2qasIUT"
    "/azEND/LneRnK+KDADL/BeV35wxKvUlnbNKKBaukzAsIWjh7N5WRKmbsxyqJcP3q7fNS3z"
    "yycoeWHTBz3GjzD8E0nT4LnxOn9OWy6TQN+leRTqdpoOe5+3Z3J58OOPGbpJMhCPJLukWS"
    "IKbq1KBwT0opxISOXCM8+oOQ/N7bnye6eHXa+fqjo6dGq4r0OkWqrYaaJr1OCwCqLKgw21"
    "T7ztt6MpuGG3DJS2dEoO+azUgF1ehL0ebNLXxXbWNIRpILzOAN8929V0m1s3cZZ+8G+Hnt"
    "EOI7d8YKwtaxAoiRaUe+Jg/v9hOtNOxIKhrNluVZ2R3kaxHWadO117GlaZmslsm+/FqqWy"
    "arI6o2I/hlArIcKXYc0mJZdmIcy+WCn3ouwWCXB2Z5EIUaAjPCZz+/vIot6QYmfIxI6MB2"
    "EDnE5I5yLV5MlojxIbfA3xccdIfES/1OrAzzx628FQwkwc5yIZ+Cu69QbbG4e3DQvmze4q"
    "MR8sRPaG/gfRh0kSBgpwhI/83XFOzPlm+7iClP4yF3J54hJgTvJCpepjK+5A8QXnOkvpg2"
    "plPPM3vC5YRQD6Fbiwm1STLbvaSXnbMhgqeqRYSc3/Jpn/l2nBIfe+lZSIbO2+ptnrs0C4"
    "JrLiZcEBVSVLYCxpxzV7bM5IsQlz2H1oisrtyo34h8S0uSSDBrcz5T93k5WN7Mc2RlI27I"
    "549d9Ow75H+N5Hqr5Sndx7ewSphnzRGu5JxcMp3Bf5089qXVI8E0KCnUDaprkW6m+RCpgm"
    "VQXWOZgWXGdlQS1gxKjXCWAiK9e5eHOItUY5zld5h5Acq30wz8ILSvYd6GoDCpwBikyFp4"
    "k9983kUfs2ocWIKohTDXolTfqtFC0zaI7cBrVPW8SRC1EOg6vG+0MUPdxgzYshwiKmUbjp"
    "G0D+HDg1LzGKrln3wHGTM5LbAoOZuTZO3D+6hXAu2jXi7WUKTTZ2+VjfPFbBkQ515A4iQ6"
    "Z2EDcxY2bQ63SVeMHzFVOK+TnTpFq+2cGjzQSpVS5eAJCfS5/vS5rsAy+IJVu9qmyNqH9G"
    "FZhrWIX02DvaJQq7hvZdHrjClN3rwEYesMdIxMj2+Tx3fm8EdqEadqvNMkWfu2z1oEhMRx"
    "eMYplW/vHBK0AeBtWztrm9tXsYNFdkYV97AVwjYssnoMetJ+mRWRThBplLNRLjBuTprSPd"
    "O8+TLR2G7hXta+eWVpZ1s4l3E4roxvFDqindgmFvP6luPY9EKEUfbwTMPxc9XStWxod0/i"
    "VbvxZLylmb00VDak50GlclldyM9tQqpOC/vbR8mCy4tOJ8O6PizrFlnWc7+WTszysrbNm4"
    "qClm/brEOC1Ht7VpFx1pFFxej0Xa7Zd7m1HP436u9fYni1Ikxn7tXDrJ2gtRN0I0HfkhN0"
    "ndeOzzZYq1p+xt1OxuUjVaNbdAWZeXUN32+2dPKSmJ8tRnEPYQSeI55fKlUuqMiaE7Qk7n"
    "tIFDwkJp9C3t4kzWJCGBRLij1BVJdTiU1qfV+fef6tf/NlQ9zx3HHnzJavVb60yWzCciDl"
    "DmcTS44QuPuG+X6VEhvtuVH73ryx3u6jK1fIF4XtvBFo4BlkKQdfz/VXFsm/8tcw9Va+YL"
    "U60epbovaAbcjOrD1gm4ul9oDVHrC7j/E2PWDbjqV2gdUusK0TImshvfaB1T6wLQRZ+8Du"
    "qg+sQ7DI4obzzWIjijagvG27WO1X2Gr1ywvbwzZtaF+NqWbTgN+wreYLKWK4Tc1lJ0sB45"
    "V0CxUvUIdq068XFupvijXMF+rrdNv1XnbiPavAJ6bItod2p9MSXtEhM5LFK+ZLVEMCHdBj"
    "RQGg7Z9eAwM+n1lrDnOSUg9z44Z5hfEv4+kCaudn+m14zOadr7/ezUHfruNGDLFc5j3A8w"
    "kGfmmEI7jpPL+z8BKxGXud3GM5k7PPOJJ9Jr25jP1GjuR8Rn4N3bzWyT/B9shVhZeGn+My"
    "QyqSnxdzhVKnxSyTFtPftSpG9IgTtfBeWrvxdbSXP1PqF0mWdgzwshK/xFRb34PYs3/YCG"
    "d1r5pqEeRb4K18zHK5qwjTJ/mr2EiWsUsPDPe7CAwHwDbb12wj7CWD8pMiiZ/RIDSS8TMs"
    "YVf+kYi+EYhaq+mlNt14JtcX2qFqnk/zfM3YRzZuO1jVaFBbC+YxHrtkLfiCjhv1eJyTWS"
    "bMhS4G2Ri/3n2hyGEx04FjTY65ZeKxNNccm1pN0pBHIWUyOMFEvJl8NjAV3+ZpHvAekmPK"
    "6h7PhRm6+3SHVCsIeiDQ3hHuoiPn7XuVFXRGwH3PpDNKmCt/wHQoH2BmIT4j8ayeXS8z5h"
    "TyaAoXjRxCgH6FS9zu6/tsxB3vVT6t79oofFfEwG9S8qAQd3UfDeKOkBFv6td7rxKhQmcl"
    "xgJhz/lRBWJCFs9nW72Xd9QMliP6XWXnDJ/FDF80O/uS7Gw0JKWtEUKKFrJfm484bvr7WW"
    "nfLUv7GGmV+KvTlWqb1JI7VD1BWoPjf41QrSlSDbk2A67/erNmyNZgrm4A5ptUcy0FOmOF"
    "N+k+GQYeyrhOxoMS5d8mAwm+NrvWZtfa7FqbXe+g2TVcWf7tS55KC/hjNFuE/Ov9RV2o1+"
    "3g+0gcUU3vF6PQ5u36Lv8q7/LavP1VDLOX5iHDuuofd7c3+bIDM9NQ06Kmi/6LbCrK7JK7"
    "458PWBQf/ulzPjVS0ED68PdhNCBs5xqrLINcp4dt2EJby4/ExJIXsrBjiPkwRO2Z5o8Xfp"
    "t3sSZ3doUWJ1Gx8VJyb8+D6xra2N2DqRggP7GPwxfPRKl0BqSdhCmR0GV9kOLZY9oCU61y"
    "QTpmV+wjpvbcyRYOJip0CyWEsqpBmTHyKpc0OrllBDlkNBfEQtDCT5QhlyubjQUZokdKFl"
    "00XKoHpq1sPfx4UBAm2pS9RSOHT9EeZujq8+NpWCppImOO02M0lN/ertomv8D7nxaBfkuE"
    "yZJ4evz990qi0Q90/FrMPv7e6x0dvesdHJ2enRy/e3dydhBeu1eLiu7fH65+hSt4gm152j"
    "jkBWKaNW33qluqFC2Ciox7glBnstlhnr3Oc/CrUPvwyvH31Q9Umn/qgT+L1om1xkxdq8Ve"
    "Si2W0KA7gaa5ipRslVoLzNYXmGnFQ2sPXa14eBXDvJ481EuK8VwJqNfKJ8nPcGt3h367wp"
    "g/yPBO3gm9rq6worHSQoZ0QYaG8CqW9/2mY0YsEH34lJAtLCkCeSAzF7xalDPNBPdOToM6"
    "1FKCDpPzB0qQiR2HEpHpBL75t/RZn125iDBLIOyiAfkxo3LVQGqwLsJoROXcQbD9eEKaUM"
    "ADjjtzIXsGQhyLEy//2ZQ/Snh4zBXI4YtYKrI+24MWgIzP3bLCnALe3ZhgManGwIckrePi"
    "67ds0yxNa8+6hF9EuAlUHeYkpZYWNW2UGyItOicONSdZh7RfUnhA46hOY0RGr0VRUJt/aK"
    "7VY/5Znm/22AoZUR2hI2BRVUDYr95CdA/LJo0pyhmz6oLLXMIyDs18sVuM5FmytqahvQ1h"
    "24seZn/9P9qdbIY="
)
