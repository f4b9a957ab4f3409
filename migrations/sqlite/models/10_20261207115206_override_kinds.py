from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # SQLite cannot make a column nullable: the table is made again with "user" NULL and "replaces", and its rows copied.
    return """
        CREATE TABLE "overrides_new" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "user" VARCHAR(255),
    "replaces" VARCHAR(255),
    "start_at" TIMESTAMP NOT NULL,
    "end_at" TIMESTAMP NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "schedule_id" VARCHAR(64) NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE
);
        INSERT INTO "overrides_new" ("id", "user", "start_at", "end_at", "created_at", "schedule_id")
            SELECT "id", "user", "start_at", "end_at", "created_at", "schedule_id" FROM "overrides";
        DROP TABLE "overrides";
        ALTER TABLE "overrides_new" RENAME TO "overrides";
        CREATE INDEX IF NOT EXISTS "idx_overrides_end_at_628f31" ON "overrides" ("end_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "overrides_old" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "user" VARCHAR(255) NOT NULL,
    "start_at" TIMESTAMP NOT NULL,
    "end_at" TIMESTAMP NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "schedule_id" VARCHAR(64) NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE
);
        INSERT INTO "overrides_old" ("id", "user", "start_at", "end_at", "created_at", "schedule_id")
            SELECT "id", "user", "start_at", "end_at", "created_at", "schedule_id" FROM "overrides"
            WHERE "replaces" IS NULL;
        DROP TABLE "overrides";
        ALTER TABLE "overrides_old" RENAME TO "overrides";
        CREATE INDEX IF NOT EXISTS "idx_overrides_end_at_628f31" ON "overrides" ("end_at");"""


MODELS_STATE = (
    "eJztXVtX4zi2/itaeSlYK81AoCim+omiqW6mKahVUKfndKWWo9hKooMjZSyHVGam//vRlu"
    "+ObewQB8foBRJLW1Y+3bb29T+dKbeILQ7OTZdydk3ZQ+c9+k+H4SmRHzJKu6iDZ7OoDB64"
    "eGir6ljVM2xZURXgoXAd+VCWjbAtiHxkEWE6dAb1gOJ+QpCY4N7bU8RHiDOCGHfpiJoYar"
    "wRCNpC7gS7CJsPjC9sYo2JQNxBDhHcfpSfqSuQbBXbigbtCSJbEcQeGZzJp/aBcLlDDuKd"
    "2z+A7lnclP2jbPyiPemzPoOXu/yBMGhC1kdUIEYeiYMUhfVePodnFnHoI7EQHmPKurI3ss"
    "9yqLpI9gqqL+UHl0xnLvwGKI3/hi4aOXyKcJ89kKX3S+A1XP5jqrKF5UhiQRCh8qtzgAam"
    "Q7BLLAO7A6i7mBCvpsJigQWaYougPfjd8TehEXWE22emjemUWPvvY0TceRBoJFG7ubu8/m"
    "jc3lycX18b11c3vxv399deF2VtpkZozui/5sRw+ZhAj+Q4ffvWib9JzTIFZ+f7d/mZMov8"
    "IAIqwtfZgzGixLYSk1oBbUywmAC1Kjfc5UyVXUyw81FRwPwYGia351O2SjVbuhM5hAGZnE"
    "bwdEwYcQCw2IRnc9v210fwyPtV8oHrzEnYaSt6YJERntuwbIDa60n0rGMYN7f3xt3lvWF0"
    "VpZUQBGb2/4jkzNYjpS5QuExxT8Mm7CxO5FfT0/+8t4T4eHVghf+z/mXi9/Ov+ydnuzDC7"
    "lc096Cv/FLeqroL9WEnEReI2oUItj9YaoAeUSxGbiDBxHe0a60dcCPTksAfnSaCzgUAeAR"
    "wNFiXQX5F1niyrWYDXSSMgW25ZMeBB92EPoCqO+vPl3e3Z9/+gzNT4X4l63wOr+/hJKeer"
    "pMPd1LD0vYCPrj6v43BF/Rn7c3lwpOLtyxo94Y1bv/swN9wnOXG/IsMbAVxyR4HDxKDHN8"
    "+zOoVWVBZZC2cGX1ymxlvfytrKe2Mjg+Rg+ZO1n6AErC/1Ee2HTMfidLNQhXsqeYmSQDbJ"
    "+7ukk1t2Pg/xXMsuBpdI45eBGev1mTT36QCBDXm7bndxfnv1x2FPJDyWMtsGMZiSGAEt7j"
    "qSdh3dWiaW+afoIZHiuQ4NdA3wMed25R95K5zjKTA45KizlgqGfYfFyO/f1jwpE5wUz2SD"
    "JX2JWMHLMUm7XKoD5RN4NVSjFE3zre/i6xlyXfOsC2zh1vZgaf/YGRFRNVYo9z2apqW9Em"
    "d58GsVGb2XsK2ajKp7s+1XfgVJfbBHcqMsceQRtP8Ldvyyyjt2/z1xGUJdnj+HZXFuQ4TQ"
    "txPu6VgPm4l4syFGWDXJExTZG1EOpaprS+Utc8nYdkJLn5VYD/cXd7kw1wRJE+cKnpov8i"
    "mwq3BNA+B9MUnAtwBSgSh2yA596n83+mob64vv2QPj2hgQ/piT1yScZpmA97SKBRr4b6yj"
    "X3ZW5fF1iuYgs7d/NhHKqVe1hmvW7Rjcz0KQwRIympnThHIyJvW74+QJgTYs1tWS/+DY2o"
    "LeeerOZyVTAXxOmCWiD4Ij/4wvmAZvVyV9ubQLswgDJ5tA4QoCkQRjPiCFkXi7CiQBZHe4"
    "x77TjE5I6FmOwTsfYP0C9wS5dd9TQOQX+8u7voM5D/J+DtIsGhLnWU1F+AGmOmZP+ykZLX"
    "VX3RLDrrTg5LnHUnh7lnHRQVXzT9SVMF6xjJWoA3bP/dAgen/ldAOKjfQu6td1hmSsta+f"
    "geHqbx1bq+GnV9WvX0yoRUwclf8VhIkbXvaNjMgirQOAUIbkDbdBdrarcwL6toSk23JimZ"
    "Ljhz5Y3jk+R5eZKpzaxQfLHxqhpTVbfkjeZW3hQWeAk3CLnxmhN5FwCm7b38L9sb0fEc7h"
    "egZmLEVgom4PjlFiF3Ec++yVPjyTsCXA7E6k2mljdk2gFBs/4uR6tZAGVtX1fMrXCBgNmX"
    "WkD+VGwuDzCGLvzUOzp5d3J2fHpyJquoboZP3hXsYlc390/cF8JhKA9tnORpgHfgsN8Mxj"
    "G+ylsmVQ7bGEkLLwmbZ139naeSED0iaSHER4elLmJQLd847XD1KvYC8oRmA70xgUIB4xic"
    "kc9kGr/6zewY3mU5xtg8axK3eBmakmexirHSQj4xMkgvxyPmo1vGxEjOJHeuXhSYGc24Tc"
    "2lDy881ILdl7UgSgxIWbQTRC3cjDfPWHiIVVFiRhTP0mI2DehtK4/FfDrFTgby9+RHzkUk"
    "RtKKuV0kdLz8530x5KHM8fr25tegenockpBbxMXUzmCi8yd7jETP9mfMdotY85nxQDLme/"
    "5uniBqnzy2FlUdnxFWFec4zUZgbhKjUgfI8lVk7Kzj27JK2b55vXkmZUKw4w4JdiuinabT"
    "WD+NdXQ1Kq04CylawZVoB8gmciU7p4Wez6w1hzlJqYe50cMci7KwzlhnkG9gwBt2ZLV2vI"
    "eV2OwM0vYxJLU5RdmPay2wFOlWFtc2bzttWlvhWFVbVykyvaZKrSnhkpkwLM4yzLVyTSGS"
    "RNszhjisC+cNW0JYc7LGHhVR6e2pYdtTBcej7MgbGTfpDz75x9+/kEg1upGoGw3bxvI020"
    "kNlA2mQBlynSo4ffYa+USEwOMdvhMVQ+WQmb2UdeQ7ngfXF2joQn5uE1J1Gjn8FkgSOxk2"
    "DlFht8jEIZRGlvbr+z8+9CLgTefCRTNwbZNfbIJFEEhvAAJl5xHbxpSyuUvE4AANyI8Zlf"
    "teIh4elRTeY7THHf+zitinepNy89vOi/vMEx1C3X7HL+l3ouh64Ck4Zy61vSiB5IfXl/2f"
    "0cA7M5Px/iS/RBmRk4GOx8RJBzp832eJDoYNsy6SNYiz0tAEKyfG2dyFX8FHoy66+Xp9LX"
    "tlEgRMENrL6p32HGyQYDvfwEQ7tdXr1NZcA57dn9VJVWR8G14F+6PNcZ7TQAZxCvQRUO/g"
    "BC/A+Zfbrx+uL9HnL5cXV3dXvrFDeNNQhfBIPqCegeWXy/PrFOwPZFnZXzNOo/frJ2c2AJ"
    "F5mf5Ax7kCihjRWtKJhl2gfPnE33u94+N3vcPj07O3J+/evT07DAUVq0VFEosPV7+C0CIx"
    "BqtSDAWiix9IFS+ZJFGLwN+YcMiW3LMBHOIaIqI0rVYSNU1SFB/p6JpRdZyTlFr32+hh1t"
    "LeFg+uNtN5FcOszXRaO8wVdDd1io6v2JDPmaVE7p0M6XGivFskQKZeTQPUAJSUlSIzdPfp"
    "DinVQZAYRk7BLhou0f2C2pS/EYiqoG7URXu+BuWOBvlQIHMLEnTMiCUbkRMTBMJydIL8Ln"
    "60bxUQYRLETUuKk7fdgz4LmwUy7M4dgkzsOFRVQrAevbjkXp+UQgVhWWlMHwnzW1VSXi86"
    "XCxbDhVBIh1LhY/DfQaN4KXsTb9z5PQ7aMHntvw1IPZdUEGC+mgxoeZEpcuJtTfBQr0fHX"
    "n5ZNDvZOZCyDubg9A9eluMSPQZdHYvkZvmy+X95c391e2N8cv5/949WwgtKgbP0WLoNcXQ"
    "DjEJXde2KUG6nSNI85M7eAKFTifZB1BU/MT5E1as30lbq8e0ekyrx7R6bJ1ZrfU0Wk+j9T"
    "RaT7NmODMt+WsrQ64lf69imBty77rGS3W1WblxeQXdorsWSJSc0oaiDnc9cZIi+xkNgpiV"
    "A8QdC2whZyAssAjItPYwmtDxhHgZGRaUZSWa3kCbKqmDcLHjDpSwbUCYNUAPhMyUWM8Fg0"
    "ks0MKhrkvYe3R1d4vOTg+PJLk7QYM/ByoBM2aIqshvbrfP5Hco5HMXnvPRSBBX1Vpg2/7J"
    "tLn54Ev3lLDNk9ZhK0gdHcTcfSP67N/QURX6FQjQHsjyfEkiSCJV8ZRDvuxY296oeB2kbq"
    "6Q7VsiFLKO/LrFY1xHft0mq6SFBPUKCSDkY6V4VSGBjlb1jGhVwdFnSAAyuMMCV9Q0YQsn"
    "+lmJaX6WO8nPVsQHAWT+C8rvzhmUepPO2KQVC1ZJmRcQtHD2biojVczYj1US4frV2+elvn"
    "lk5Q4tO2DmuNHmH4JpOn0WPidO6ctl02ka9K8inU7TQM9z9+3uTj4dcOI3SSdDEOSXdIsk"
    "QUzVqUHhnpRSiAkduUZ49Ach+b23P0908eq08/VHR0+NVhXpdYpUWw01TXqdFgBUWVBhtq"
    "n2nbf1ZDYNN+CSl86IQN81m5EKqtGXos2bW/iu2saQjCQXmMEb5rt7r5JqZ+8yzt4N8PPa"
    "IcR37owVhK1jBRAj0458TR7e7SdaadiRVDSaLcuzsjvI1yKs06Zrr2NL0zJZLZN9+bVUt0"
    "xWR1RtRvDLBGQ5Uuw4pMWy7MQ4lssFP/VcgsEuD8zyIAo1BGaEz35+eRVb0g1M+BiR0IHt"
    "IHKIyR3lWryYLBHjQ26Bvy846A6Jl/qdWBnmj1t5KxhIgp3lQj4Fd1+h2mJx9+Cgfdm8xU"
    "cj5Imf0N7A+zDoIkHAThGQ/puvKTiYLfe7iClP4yF3J54hJgTvJCpepjK+5A8QXnOkvpg2"
    "plPPM3vC5YRQD6Fbiwm1STLbvaSXnbMhgqeqRYSc3/Jpn/l2nBIfe+lZSIbO2+ptnrs0C4"
    "JrLiZcEBVSVLYCxpxzV7bM5IsQlz2H1oisrtyo34h8S0uSSDBrcz5T93k5WN7Mc2RlI27I"
    "549d9Ow75H+N5Hqr5Sndx7ewSphnzRGu5JxcMp3Bf5089qXVI8E0KCnUDaprkW6m+RCpgm"
    "VQXWOZgWXGdlQS1gxKjXCWAiK9e5eHOItUY5zld5h5Acq30wz8ILSvYd6GoDCpwBikyFp4"
    "k9983kUfs2ocWIKohTDXolTfqtFC0zaI7cBrVPW8SRC1EOg6vG+0MUPdxgzYshwiKmUbjp"
    "G0D+Gjw1LzGKrln3yHGTM5LbAoOZuTZO3D+7hXAu3jXi7WUKTTZ2+VjfPFbBkQ515A4iQ6"
    "Z2EDcxY2bQ63SVeMHzFVOK+TnTpFq+2cGjzQSpVS5eAJCfS5/vS5rsAy+IJVu9qmyNqH9F"
    "FZhrWIX02DvaJQq7hvZdHrjClN3rwEYesMdIxMj2+Tx3fm8EdqEadqvNMkWfu2z1oEhMRx"
    "eMYplW/vHBK0AeBtWztrm9tXsYNFdkYV97AVwjYssnoMetJ+mRWRThBplLNRLjBuTprSPd"
    "O8+TLR2G7hXta+eWVpZ1s4l3E4roxvFDqindgmFvP6luPY9EKEUfbwTMPxc9XStWxod0/i"
    "VbvxZLylmb00VDak50GlclldyM9tQqpOC/vbR8mCy4tOJ8O6PizrFlnWc79W+axgkvdBew"
    "OVvMokYoBuvl5f73eV9bp6JAvBaGCAOFMm32gxIY4yKo8RLXyj9v3A8B1C5oaUqsnMhGBb"
    "fblONtOMyG759traYqhWgUCwZKpAHKfRMJeCWcVUWkeKGaPTUoBmSwHWChWx0UgRJYZXq1"
    "B1zmc9zNp9XrvPNxL0LbnP13lh/WyDnbPl52ruZFxbUzW6RZfXmVfX8D2uS6e9iXloYxT3"
    "LUfgc+R5NFPlvIysOUFL4r6HFNNDYvIpZHxO0sgrJoNiSbEnCFm9ttb7vj7zPKP/5ksVue"
    "M5cs+ZLV+rvLCTeajlQModziaWHCG4AYeZopX5A9pzo/a9eWPtH6ArV8gXhe28EWjgmfIp"
    "13DPaVwWyb/y1zD1Vr5gtbpf67u49p1uyM6sfaebi6X2nda+07uP8TZ9p9uOpXae1s7TrR"
    "Mi64jv2ntae0+3EGTtPb2r3tMOwSKLG843qI4o2oDyti2qtUdqq9UvL2xJ3bShfTVGvk0D"
    "fsNWvi+kiOE2NZedLAWMV9ItVLxAHVpHcjkt1H8B1jBfqK8Ttdd72Yn3rAKfmCLbHtqdTk"
    "t4RYfMSBavmC9RDQl0KJgVBYC2f3oNDPh8Zq05zElKPcyNG+YVxr+MjxSonZ/p8eMxm3e+"
    "/no3B327Lj8xxHKZ9wDPJxj4pRGO4KYzRM/CS8Rm7HVyj+VMzj7jSPaZ9OYy9hs5kvMZ+T"
    "V081on/wTbI1cVXhp+dtQMqUh+RtUVSp1QtUxCVX/XqhgLJk7Uwntp7cbX0V7+TKlfJFna"
    "McDLSvwSU21933PP/mEjnNW9aqpFkG+Bt/Ixy+WuIkyf5K9iI1nGLj0w3O8iMBwA22xfs4"
    "2wl0bMT6clfkaD0EjGz82FXflHIvpGIGpl+E5vuPFMri+0Q9U8n+b5mrGPbNx2sKrRoLYW"
    "zGM8dsla8AUdN+rxOCezTJgLXQyyMX69+0KRw2KmA8eaHHPLxGNprjk2tZqkIY+CEWVwgo"
    "lIRflsYCoy0tM84D2kVZXVPZ4LM3T36U7Ftlki6IFAe8e4i46d/fcqn+yMgPueSWeUMFf+"
    "gOlQPsDMQnxG4vlgu15O1SlkYBUuGjmEAP0Kl7jd1/fZiDveq3xa37VR+K6Igd+k5EEhYu"
    "8BGsQdISPe1K/33o8DtEQSY4Gw5/yoQnghi+ezrd7LO2oGyxH9rvK6hs9ihi+anX1JdjYa"
    "ktLWCCFFC9mvzceqN/39rLTvlqV9jLRK/NXpSrVNaskdqp7wvsHxv0aQ3xSphlybAdd/vV"
    "kz2G8wVzcA802quZYCnbHCm3SfDAMPZVwn40GJ8m+TgQRfm11rs2ttdq3NrnfQ7BquLP/2"
    "JU+lBfwxmi1C/vX+oi7U63bwfSSOqKb3i1Fo83Z9l3+Vd3lt3v4qhtlLEJJhXfWPu9ubfN"
    "lBdkhzi5ou+i+yqSizS+6Ofz5gUXz4p8/51EhBA+nD34fRgLCda6yyDHKdWLhhC20tPxIT"
    "S17Iwo4h5sMQtWeaP174bd7FmtzZFVqcfsfGS8m9PQ+ua2hjdw+mYoD8lFAOXzwTpdK5s3"
    "YSpkQqoPVBiucdagtMtcoF6ZhdsY+Y2nMnWziYqNAtlBDKqgZlxsirXNLo5JYR5JDRXBAL"
    "QQs/UYZcrmw2FmSIHilZdNFwqR6YtrL18ONBQZhoU/YWjRw+RXuYoavPj6dhqaSJjDlOT9"
    "BQfsvI6/QC739aBPotESZL4unx998riUY/0PFrMfv4e693fPyud3h8evb25N27t2eH4bV7"
    "tajo/v3h6le4gifYlqeNQ14gplnTdq+6pUrRIqjIuCcIdSabHebZ6zwHvwq1D68cf1/9QK"
    "X5px74s2idWGvM1LVa7KXUYgkNuhNomqtIyVaptcBsfYGZVjy09tDViodXMczryUO9pBjP"
    "lYB6rXyS/Ay3dnfotyuM+YMM7+Sd0OvqCisaKy1kSBdkaAivYnnfbzpmxALRh08J2cKSIp"
    "AHMnPBq0U500xw7+1pUIdaStBhcv5ACTKx41AiMp3AN/+WPuuzKxcRZgmEXTQgP2ZUrhpI"
    "DQaJuUdUzh0E248npAkFPOC4MxeyZyDEsTjx8p9BKu4uOKeHrkAOX8RSkfXZHrQAZHzubi"
    "BPtzHBYlKNgQ9JWsfF12/Zplma1p51Cb+IcBOoOsxJSi0tatooN0RadE4cak6yDmm/pPCA"
    "xlGdxoiMXouioDb/0Fyrx/yzPN/ssRUyojpCR8CiqoCwX72F6B6VTRpTlDNm1QWXuYRlHJ"
    "r5YrcYybNkbU1DexvCthc9zP76f050JMs="
)
