from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "at" TIMESTAMPTZ NOT NULL,
    "actor" VARCHAR(255) NOT NULL,
    "resource" VARCHAR(32) NOT NULL,
    "resource_id" VARCHAR(255) NOT NULL,
    "action" VARCHAR(32) NOT NULL,
    "before" JSONB,
    "after" JSONB
);
CREATE INDEX IF NOT EXISTS "idx_audit_log_at_516b42" ON "audit_log" ("at", "id");
CREATE INDEX IF NOT EXISTS "idx_audit_log_resourc_87846e" ON "audit_log" ("resource", "resource_id", "at");
CREATE INDEX IF NOT EXISTS "idx_audit_log_resourc_734d83" ON "audit_log" ("resource_id", "at");
COMMENT ON TABLE "audit_log" IS 'Who changed what, and when.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "audit_log";"""


MODELS_STATE = (
    "eJztXetT27gW/1c0+VI6k+1SSlmm+4lSepe7FDol3d1p2XGErcQeHMm1ZNLsXv73K8nvZ+"
    "3EDo7RF0ikc2Tnp9d56ejf0YIYyKYvTjzDYmeYuavRG/DvCMMF4h8KasdgBB0nrhMFDN7a"
    "khwKOs0mc0l2S5kLdcYrZtCmiBcZiOqu5TCLYEH+p0mAbkI8RwZYmpCNAcTiE8IvRAMG0X"
    "kLFp7XoPWw9c1DGiNzxEzkco6vf/NiCxvoO6Li69cRZILSMka85uvIRZR4ro5EWfhZ45Xi"
    "zVmaJFEsGnXutJmFbCOFlE8iyzW2cmTZqQnd95JS/JpbTSe2t8AxtbNiJsEROf+xonSOMH"
    "IhQ0YCOOzZdgByWOT/Yl7AXA9FP9WICww0g54t4Bfc/hvEZSNNu7yaaNdnE00b5bom5Ej0"
    "QFCkEyy61cKMyt+/gN81G+E5M/nXg8MH/zkxDj6VeOAfJ59Ofzv5tHdw+Fw8kPCx4Y+ay6"
    "DmQFY9yCYgg34jsu9imP0+TMP8joPFrAUqhtrnyEBtBCwvwg/rAB8WxMjH43wL0FdAPTn/"
    "cHY9OfnwUTS/oPSbLXE6mZyJmgNZusqU7h1luiVqBPx5PvkNiK/gy9XlmYSTUDZ35RNjus"
    "mXkXgn6DGiYbLUoJHEJCwOizhpolt1RtwmEyhiaGcOPXJXZmbR69d1ptHr1+XzSNQ9pBBO"
    "Lnd1QU7yDBDnVwc1YH51UIqyqCoGWWu2G2TYBgh1J0OarwHipZqtGgHHADFufzjfohlxC1"
    "aM/15fXRYDHHNkN1xLZ+B/wLYoqwF0IMH0BecKXAUUqU02xHPvw8lfWahPL67eZndP0cDb"
    "7MCeMVSwG5bDHjEo1JuhLsT52V1C0hQFt1C/W0LX0HI15ICU0earFgeLbAnEcC6BFL9Y/L"
    "5AvzqFfBYb0L32bpNQ5fSwQrpxlUamBxwaTbDQeurZCZghrm2RGSAYAaqbyPBsTpf8BmaW"
    "zcceJ2NEVngUuZzEjb7wDwDdI3cV8eSVu86edINv8FTU8a11CgSaFEDgIJdyWkgjQgoMAv"
    "Yw8dtxkU5cA2D+Tsh4/gK8QzZXEvAccNUyfh9DlCJ6gy3GG0rCOwaUCFrL5VMP3/FaRhyw"
    "JO4db6SmuqoUzaq97nC/xl53uF+614mqakUzGDRNsE6wrAV4z9bfLUhw8n8DhEP6AUpvB/"
    "t1hjSnKsd3fz+LLyN3CGsmpGYTlNNcg1s7juoYqY7KjVRHh1mYdRcJKLTmxqk0pzJS9dpI"
    "Fe78DbeFDNvwtoZ2JlROFM8Dn0f9Pdc2rTn+Ha0k9uf8LSEuNFgFEvR1oqndwvwhHFdhaf"
    "yKLlxGgmJ2uHEIfEFVDtKT69OTd2ejh0dScwhmXOP4wGVekhZqCwmqFRufVFtI2poazRXX"
    "FJZwJTQIvvDqJtcFhND2hv/n7c2suSf0C+FmwsiWDiYh8fMlgq8iFAg5HxNm8V/rSuWA5j"
    "WZTp5QoC18ldJmsMpZ8vf9vYkGcY5ZAwVCjL7MBAqGYn9lgLl4hZ8OXh7+cnj86ujwmJPI"
    "14xKfqlYxc4vJz/QF6JuqA9tkuXHAO/AZt8Oxgm5yp8mTTbbBMsAlYT2Rddg5WlkRI9ZBg"
    "jxy/1aipggK4XZr0wD/Qj2hH4D3ZpBoUJwDPfIDYXGz0EzO4Z3XYkxMc76JC2eUR3asMwU"
    "nqitlBNRRFdPRixHt06IER9JzJMPCsOMHGJb+iqAVxQqw+7jRhClOqQu2immAS7G7QsWPm"
    "JNnJgxx0ZezL4BvW3nMfUWC+gWID9B30sUkQTLIMZ2ldHx7K9JNeSRzfHi6vI/IXm2H9KQ"
    "G4hByy4QossHe4JFjfYNRruBDM/R7lDBeC9fzVNMw7PHduKqIw7CTXFO8rQCc58ElS5Ajs"
    "XH2s6FiGMQK3dGFz+qo4lnXUIJPfxIeeqepKfOc4w1uznNqbq5190M9TteZSNjvlZfF7C3"
    "0OE9Ew0G29+3jUSRAlYl+NU+OGLfrzXBMqxqcvV5ckWd1WxiZdjUpKop6COHagbBBTEtpf"
    "7iNNP2PMb7XeHcsrvY8NAai1TMtZX1aZsa664vTw1OZyRiimX8jB67fNKD4W3A/v73Tyj2"
    "HxX7/S4TTe3eMlbm/nvo0ml3AVfSNZbz1/kV4ypXnS1Iap9NcQmTHQMk269gGobTTAFxDd"
    "4QcFykIwNhHYE9CExrbiL/sMjSwvR50SmUjduU500ogy6byuCuKcLGFNwh5Mg4L4a+M3Hs"
    "ZOlajCH8BpxfX4Hjo/2XnJ2ZYPplCmbE5ZzAkk5pNr7B/LuoJB4T5WQ2o4hJqiW07Z90m+"
    "h3QKxOY7A0Ld0EFhWRZwZvIXVc5Rm9wf+IF5VRaYIB7FEiwtJkUgVx9kZWL8g9osm2/V7x"
    "X9Biz8sD0pJRmioobYs7oApK26aUoc6sdHtmRUSjNHKlRQzKkbaBIy3c+jQOQIEMXaEAZh"
    "kHONCPawzz49JBfpwzqYSQBQ+ovzoXcKpFumCRliJYQz+aO9TR29Zh2RheLtU2ATcgH55t"
    "qH1k+QrNX0AvUV7LN8Esn9oLNwmheryDfn2D/kmc9Osb6AM46idMZzoaFRiCgppxlSUIS5"
    "oOArbTVgpqWjOmRVt/eFrAf/pmpgsVuN164Hamt5rY+DOsKqyjd6b+rAWgyYyKTsIOb8Pt"
    "JutKtALX1DpjBqVs9uOYaq+1ovYPkyws7DFEtbKEhO9tAkvGbp41A/hM8O7gKK7A+N3V57"
    "cXZ+Djp7PT8+vzQEGKlnhZKcWfb7blC4ufzk4u+udM3yHEd26PpQivE9GVYFPREn3u3u0f"
    "AuvZlvSEzoDtDvKdWOvUmY6nsaQpo6wyyj7+XOraKKsCGfsRyJiCrMSMnYS02pid6sd6ee"
    "oWiFLoB+bJNNhMxBD6ma+D3Hdgj7iiCIb55GQ2bBimr+aMS3MFMLklxorzeLYBbpGflk6k"
    "tR5lwN/OU0WEpAi0XPJSm+A5lW1hEOdpAWH7vHmDzGbANz+Bvan/YToGFIlARYH0z4Gr4I"
    "Wzej4GWKT/BreEmX4kpo0gRVMREimjL0VeW/GC4otuQ2vBP0EGTMIHhCwUr7U0LRulM/Fx"
    "fv5yNjLe+FSI8vHNS29wEMjJ8bFXfoikjLnkQ8V/mswELn4dnlsiSNQkFAH5VsAV0Zwe4y"
    "1j/iBA+JuL1hAnJ8Jd8awi9x9KJb+xCXGkPs87yx95LifWkpF8YbbEOC5T5KaJ7Xr5+lxq"
    "m5AkOgPuUsYlJ4YWjvivEts8tn8kHAY1jbohuTLpFsYPoSZYhuQKywIsC5ajmrAWcCqEix"
    "wQ2dW7PsRFrArj8lEsQWmwm2XYBqh+tp+kI8CsmdiQYhogzJ14grfqae+ZVrkleLWm50VS"
    "TAMEuoszI8oDP8A80b1GuKs00Tktu+ZoTrMND+/2L7dUudY6FuMC21ABxKXaSJJF5bfoYX"
    "6Lvo3hITk44T20JM7rpDLL8KrgnB53tLT/N9l4Iga1r/94X5dgaWSJm6m2GbbhIf2yrsBa"
    "Ja9mwc55gRquW0X8Kk1cnxcvivA6HZ1gU/3b5/51XHJvGY3vKsqwDW/57MRAiFyXFOxS5U"
    "G6EcMQAN52iK4KFH0SK1gcHNNwDcsxDmGSdROFkj1M2BDpFJNCuRjliojcdPzXhjG56ZvU"
    "dgv3ukG5ualdHJZb55RsY3zjhAfDxDY1mfuUg+LqnotLXCgdFYTvRnXjqtBdElB1f3WgCp"
    "7cRp6l8uBJlXOg85uN3LXsBgk+JXf3W+5e60RxqweKa3Svclqs17tKeX4S3axOWapTlj2Y"
    "S7uc+u6jf49xgdLxMbrhuFzlkLcgW0rjeGSNo60IynKNQ+WR7zYmOPlmOZjLPSwZtu2hPR"
    "o9gnjShZvFRQ4qkhLLk5pHDCrmL3e0S4ndT0HsVhfWDrabcyJ/ndwf8qq//FBokvPDFzav"
    "g5PJu9np2035kUCsVHgP8fyBAL/Soh5sO4G1EykR6pKtLW7J6pKtrR514MvbSgtytxZYRM"
    "rzveY4VbrXOuleg1WrYdBfkmmAemnnNr94Ld/Q4hdblnYM8Lr2vtRQWz+nmp8loBXJaiKb"
    "GhDkW5CtAsxKpasY0x/KV4merHNbbGgvHgPhuRcpxoID4AD6Sc6CZF/0VzCNUkkEmcMg43"
    "84os8osIyia2Pbbbz42pIww5CS+ZTM1491pPUMO01T66icOmWCxy7l1HnElHzdBDohpxDm"
    "yuRxxRg/3XWhyk9emJpvTYl5YOaxrNScGFp98pBH8QkFgmAydqFcCAwlLuUmV25y5SZXbv"
    "IddJMLd9w/BDcTeRM8W4T88+S0K9S7zlt2j1zaTE9LcKhwBBWO8GT81Coc4cl1c+Ka5XQf"
    "l99ZlWBRd1atf2dVAKPm2BCvMcsK2FXGr55NtLXifnTIZSEDuhr1biPUNnRXnQZtXiea3N"
    "kZmvdapXJ/wRWX3jaD60K0sbsbUzVAwVltlyxbuFGq1qH2nYQpde57fZCSh8yHAlOXdsHP"
    "VJrgcjbBz8Fh63J7oPC7KlvgYNwpyhz4WOZApeAPViBVCv6T6Ob19A7//oBNNQ2/lQ98/y"
    "TG7nb9doWeE+Raulkk9gQ1lYIPjGl6I/mo6LINo8tKnRblck6512IQok4XkTpiUjVAOCAf"
    "ILqdZAYXOwrCBeJFuW05wbKRbblvaG/DuNxg129/M3v4P8/PQcU="
)
