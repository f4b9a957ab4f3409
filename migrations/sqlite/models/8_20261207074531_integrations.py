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
    "HVtWvloXp9H79YMzG4HIlHsKJnSMZs153Exmt65pbANDZyDTsoaAmabVKuamyZnxkY4436"
    "rjnKTUlqNGD7PWFbV4cLWR/1kMszbyt3aYGxJy6jxyGOxk6DPjxd0ijWbM8bD+CzZaX6b1"
    "ZVpfpvVl68xqrbjRipvGcCqbUNxoUaC1PKIWBZ7FMDdEFLigS8VtrwgBXkEh+29jldLODI"
    "5wvQxpiuwn0g9C4PSJcEy0188cNmQmQ+v6HiUTazxhXoDXhcWz8tZtoE0VI1a61HH7KiBT"
    "n3GzT+4YmymjvotGfSrJwrFcl/G35Pz6ihwfHbwEcndC+r/3VT43yomlAkm43VsO37FQzF"
    "18LkYjyVxVa0Ft+8ehLYZ3BNdclywm1nCCHgywJZtBJroghNcP8pb/hR1VkaSQgOxJgaGk"
    "VCIUjJeriqcC0+/F2vZGxeug5eZ6I3xNRFbTgaTKsU46kNSOYKzl1m3JrRhBptL195BAX3"
    "5/xOX34OgzAIAM7rDAsz1N2MKJflximh/nTvLjFYk2gMx/QfndOYNSb9IZm7RiwarM4pCg"
    "hbN3UwHuY9Z/Xkmr6Fdv36WXzSMLOzR0YJjjlZ9/CKbp9Fn4mLBHTxecu2nQP4vo3E0DPe"
    "9KSnd3wnPjnaAh62QogvySbpEmiKs6NdiAk1oKObFGrhEe/UGET+/tj1NdPDuDcf3BFlOj"
    "VUV7nSLdjvpau6WtaaTIDLRbHNq4pedtPYmSwg24pNAZEWhZsxmR5RstFG3eA8C/TmTk5R"
    "AtcARYJdUXkso4BDTA8XuHEN+5M1Yyvo4XQIxMe/Y3eXi3H7e5YUdS0Wi2LGzz7iBfi7JO"
    "u649jy1N62S1Tvbp11LdOlkdoKkZAZoSkOVoseOQFuuyE+NYLrXklElJPb88lbneRRdCL1"
    "m9n65SxT9yAxc+zmyVwJ4GGeeBcDFZEi4GwlwCzdw2yYB5mSQxE30nBf523ooOkuhnuYCn"
    "tuBjqdrisbhKJGgfmjfFaEQ89RPZ63sf+l0iGfopItL/8C0F+7Pliy7hGEuKDIQ78RwxMc"
    "AUUzGdlPMlpqLGDuKXoU2tqReTaiJgQqiH2K3FxLJZMnkm0EPnbIwypWoxCfMbnt5y348T"
    "8LGXnoekcrmEqeK9Dbrq/TovANRiIiRTYa+gFXTmnLvQMocXEQE9x9YYVBdorfihIF0nS+"
    "SrsoWYKXkeBsubeQ5UNuKOfEGC08gtE9NJRXq91fKU7eNrWCVM2+BIFzgnl01n+F/nonpq"
    "80gwDUoqdYPqWqWb6T7EqmAZVNdYZmCZsR2VhDWDUiOcZYBI797lIc4i1Rjnz2IFSoXTLE"
    "XWQvFz87lHfMyqsQ0JohbCXIsleKuW9oZJlVuC16h6XSRB1EKg67gyoi3wLUzt3miE68rs"
    "viJll5zNSbL24f2qVwLtV71crLFIp5DbKhvn64YyIM6VRuIkOm9HA/N2NG0Ot8nASe+ppX"
    "BeJ0NbilY75zR4oJX+v8rBExLoc/3hc12BZYgFrybapsjah/TLsgxrEb+aBnvFClRx38qi"
    "13G/m7x5ScbXGegYmR7fJo/vzBH3lsmcqnEjk2Tt2z5rURAyxxEZp1S+k25I0AaAt+2iqx"
    "1Fn8UOFjnHVNzDVgjbsMjq8UJJXyasiHSCSKOcjXKBR27S/+uRPrlnicZ2C/eyTrkrSzvb"
    "LbfMLdnK+EbxDtqJbWIxr+/uTIdeXCuL3z3S2/lEtXQBDe3uSbxdZ+ere2AsgX3vZDg6h2"
    "XdIidn4dfSaRue1s10UwGp8t1MdXSGulPeU2ctDUuMTksozZZQ1rp7vdGr1yWGV5t3dFY1"
    "Pcz6Pqq+j9pI0Ld0H7VOseOTSjbVyRA6/JJukcihUlVZWuJ4YolDJ4rbde/peM9WYM63Ra"
    "XItod2p/ME7EkdBimHzVgWl5gf/T0k0N6RK5fgNNv9HNhuncGstcO8wvKXMRvg1etH2gs8"
    "ZvPav8O9m4O+XXtBDLFc5j3A8wEGfmmEI7jpSN+zUIjQ2ci2eCTrbGRbvRQC29vS8KPcZm"
    "hE8iPjrlDqwLhlAuM2N612m3V+0V7+SI1fpFnaMcDL6vsSU219dwwvnsJGOKsb1VSLIN8C"
    "b+VjlstdRZg+yF/FRrJMWt1AX9wlaLnHYGz+VXlCvXBwflg0+RPph0E3/Bhr1IU/gOgPkl"
    "hmVn7dzTaend8liMWkeT7N8zVjH9l4LKJlxSBESx19KIfx2KXoQ08YvLAeRyc2y4S5MMxe"
    "NsbPd18ospNnBjFck2NumXoszTXHplaTLOShf0IGIxj3XchnAgOOS5vJtZlcm8m1mXwHze"
    "RojvtL8Gosb4xmi5B/uTmtC/W6I7zdM0dWk9NiFNodQbsjPBs7tXZHeHbDHMtHnRzj/Oxe"
    "MRKd3Wv97F4+jMbMpnyNVZZBrmOjNWyhreX3M6TAC5nUMeR8EKL2SHPVqd/mdazJnV2hq1"
    "arRJQ0ugTu7XFwXWAbu3swFQPk32p3xGIDubdKXf/fSZgS977XByl+ybwtMNWqF7TG/Jx/"
    "oJY9d7KVg4kK3UINIVQ1LG6MvMoVUpQ5bDSXzCTYwo8Wx6xdmP5qwQbk3mKLLhks/VxbFu"
    "Mu8QOCEwuTXk0ZGTliSvYoJ+ef7o/CUqDB5FsqMiCIuWQA33KSlW35/Q+rQL8m4qQDnh5/"
    "Xy011jtr/Fyszv/s9V69etM7eHV0/PrwzZvXxweh2L1aVCR/vzv/F4rgCbblYdv0EwS1b9"
    "ruVbdWKVoEFRn3BKG+8L7DPHud5+AXqfbhlePvix90JP/UQ/8jbRNrjVuBNos9lVlMK7pb"
    "u8lrRfezGOb19G9exqHHaty8Vj7C+SnM3R367Qr/v7LBNcggOYnJY6WFDBBIyYb0Kpb3DQ"
    "dBm5koavuUQTbtSOS+YzOQtL102nJCe6+PgjqWqQTroRB3Fsjk1HEsJjOdxDf/FswGfu4S"
    "xk1JqEv67NvMglUDe1K/SygI+zB3CG4/nlIgVCig0/lcQs9QaWAKppKCk6m4Zyrr+WLCuH"
    "odJg63JPH8xsxbvoctIJmYu2WVBwW8ojGhclKNYQxJWsc11u9JpVma1p51iTB84SZQdZiT"
    "lFo70bRRboh24oQ51nCSdUj7JYUHNI3qNEZF8VwU07Vdh8r1sss/y/Pd7Fqhk6jjagkuqg"
    "oI+9VbiG4tSb9Q9GM849DMd4aKkTzKGappaG/DG+pJD7Pv/wdrGXz/"
)
