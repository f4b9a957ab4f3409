from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "at" TIMESTAMP NOT NULL,
    "actor" VARCHAR(255) NOT NULL,
    "resource" VARCHAR(32) NOT NULL,
    "resource_id" VARCHAR(255) NOT NULL,
    "action" VARCHAR(32) NOT NULL,
    "before" JSON,
    "after" JSON
) /* Who changed what, and when. */;
CREATE INDEX IF NOT EXISTS "idx_audit_log_at_516b42" ON "audit_log" ("at", "id");
CREATE INDEX IF NOT EXISTS "idx_audit_log_resourc_87846e" ON "audit_log" ("resource", "resource_id", "at");
CREATE INDEX IF NOT EXISTS "idx_audit_log_resourc_734d83" ON "audit_log" ("resource_id", "at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "audit_log";"""


MODELS_STATE = (
    "eJztXW1T27gW/iuafCmdyXIhpSzT/UQpvcsthU5J7+5su2OErSQeHClrK6TZvf3vV0d+d2"
    "RjJ3ZwjL60RtKRlUfy0XnT0T+9KbOI4+2fmtxm9NKm97036J8exVMiHhS1fdTDs1lcBwUc"
    "3zmyOZbtDEc0lBX4zuOuKBR1I+x4RBRZxDNdewbtgGI4Icib4MHrY8RGiFGCKOP2yDYxtH"
    "jhIegL8QnmCJv3lC0cYo2Jh5iLXOIx50E829xDolfsSBq05xHRi0eckcGoKHX2Pc5csp8c"
    "3Mt9GJ7FTDE+m46fdCTf6DcKL+fsnlDoQrRHtocoeSAukhTWG1EOZRZx7QdiITzGNu2L0Y"
    "gxi6nqIzEqaL4UD5xMZxx+A9Qmf4P8zXNq/zUnBmdjIupd8cu/fu0lW8l5kwPs/fmneLap"
    "Rb4TDxrCn7N7Y2QTx0otEzl0Y4K9CVDLeoMvZ7LubILd95ICEL8zTObMp3SVarbkEwFKSC"
    "YmBkrHhBIXc2IllhCdO06w4sIi/1eJAu7OSTRoKy6wyAjPHViIQO2PJC7rGcbV9dC4OR8a"
    "Rm9lkYYUidUSFJmMwgK3KfckHlP83XAIHfOJ+PP46If/nhgPvxW88L+nn89+Pf28d3z0El"
    "7IxFfif0JXQc1AVv2QXWCO/U7kLMSwB9NUAfKYoh64w4IY7/g73zrgh8clAD88zgUcqgDw"
    "GODkd2HYVhWkFaQdhHxQZo0P8tf4QK5x4Cuje+USz3KmNPzvBW+0x/QDWcpJuBAjxdQkCr"
    "CDjewq092Ogf8jXGVhaczgXLyIGLNq8YkHgQDh/rI9vTk7fXfek8jfie1sgV3LSE0B1LAB"
    "y5REbVerpoNptgRTPJYgwa+BsYfixNyy+Tnl7lIpbMS1xcIGtDMcNi4nafw2YcicYCpGhB"
    "ZiFxd7JoUnQldlgUfaKvbQzE75tYc5tBTYi5qvPZAQ5q6/MsPnYGJEw1STRHHufluNFdXJ"
    "fVq0v9bDewr3V74K8zsBFrenJGd/5QqorYBkP3zYXc6jgnp48fH8Znj68RN0P/W8vxyJ0+"
    "nwHGoGsnSZKd3L7sJRJ+i3i+GvCP5Ef1xfnUs4mcfHrnxj3G74Rw/GhOecGUIYN7CVxCQs"
    "DotSu7pgE8ytKDX5BF3cwV+/LvMZvX6d/x1BXVpuSrK7siAnaTqI86tBCZhfDXJRhio1yB"
    "UF0wxZB6FuZElrXavh5XxHRkKaXwX4PzfXV2qAY4rshmubHP0PObbHSwAdSDBtwbkAV4Ai"
    "tcmGeO59PP09C/XZ5fXb7O4JHbzNLuwRJ4rdMB/2iECjXg31FTX3abSvMyy+Ygu7N/O7JF"
    "QrepiyXb9IIzMDCsNLkJQ0BJ+iERHaVmB69cwJseaOaJf8C41sR6w90YwzWTH3iNsHC2z4"
    "h3gI7KAhzapy19ibwJB7C3Via71FgKaHMJoR1xNtsRc19JDF0B5lfj8uMZlrISrGRKyX++"
    "gdaOliqL5xNxyPr7t73yiYmFPw9pHHoK3tSgu1BxbjGVow9150UlJd1Ypm0V53dFBirzs6"
    "yN3roKpY0QwWTRWsEyRrAd4y/rsFCU7+XwHhsH0HpbfBQZklLVrl43twkMVXO4EadALFMJ"
    "suASiM6sapNKU2UrXaSBXu/BW3hQxZ97aGej6oAo9TiGAN3qabRFe7hXlZR1NmubXJyXTG"
    "KBcax0ch87K0UKtsUKzY+E2NqWxbUqO5FprCAi9BgxCM15wIXQCEtjfif9HfyB7PQb8ANx"
    "MljnQwgcQvWITgIn4oie/GEzoCKAfeqibTyBuUASLQbcDl7GqhISr2dUF5BQUCVl/mAwqW"
    "YntlgDEM4afB4dHPRyevjo9ORBM5zKjk5wIudnE1fERfiKahPLRJkscB3oHNvh6ME3KV/5"
    "lU2WwTJB1UEuoXXQPOU8mIHpN0EOLDg1KKGDTLj1o6WFXFnsCe0G6gazMoFAiO4R65odD4"
    "Jehmx/AuKzEm1lmbpMXzKGpXJSomagvlxDj2t5yMmI9umRAjsZL4XL4oDDOaMcc2lwG8UK"
    "gNu08bQZSakLJop4g6yIzrFyx8xKo4MWOKjbyYbQN6285jbz6dYleB/JB8z1FEEiSdWNtF"
    "Rsfz34fFkEc2x8vrq3+HzbPzkIbcIhzbjkKIzl/sCRK92jdY7Rax5jPjnijWez43TxF1zx"
    "7biKuOzQitinOSphaY2ySoNAFyLD6Wdi5EFJ3g3E2fHtKeurU2zV3z1M1n1prTnKbU09zq"
    "aU4c+l1nrhXkNUx4y0SDzs73XSVRREGqBb/SB0ech7U+sAyp/rja/HFFk1Xtw8qQ6Y+qpK"
    "BPZp5hMaqIacn1F6eJtucxPmgK55rdxdacrMGkYqqt8Kdtaqy7zp4qnM5QpydQqNJvA/L3"
    "Hz6T2H9US2qClrGxPPffjyaddpd4KV1jK/46v6Jf5KpzoEnpsyku435KH0n2C7oNw2luEX"
    "Mt0RGaucQkFqEmQXsYTezxhPiHRRY2VaUbqqFPed7E49jltzK465ZQ6xbdEzKTcV6cfOdw"
    "7GTh2pwT+gZd3Fyjk+ODQ0HOJ+j2j1s0Yq6gRLZ0SvP+Nyr+hko251DORiOPcNlqgR3nJ9"
    "Nh5j0C7tRHi4ltTiAlkUuwJXpIHVd54X2jf8NAZVQaEKA9j0FYmkyqAGdvZPWUQdakRN/+"
    "rPgDtPnL/IC0ZJSmDkrb4g6og9K2KWXoMyvNnlmBaJRKrrSIQDvSNnCkhVufIQBQyNAFCm"
    "CWsIML/aTEMj/JXeQnKyaVELLgBeW5s4JSM2kFk5YiWEU/mtvV1VvXYdkYXiHVVgE3aN49"
    "21D9yAoOLQZg5iiv+Ztglk7vhZuEUD3dQb+2Qf8sTvq1DfQOHPUD05lJegpDUFDTL7IEUd"
    "mmgYDttJXCm9gjbkRbf3hawH/7ZqYLHbhde+B2Zraq2PgzpDqso3Wm/qwFoMoXFZ2E7d6G"
    "20zWlYgDl9Q6YwKtbLbjmGqrtaL6D5NMbTrnxDPyEhK+dxjOWburpBnAR0C7g6u4AON311"
    "/eXp6jT5/Pzy5uLgIFKWLxslKKP385ti8sfj4/vWyfM32HEN+5PdYjdJ2IrgSZjpZo8/Ru"
    "/xBYy7akZ3QGbHeQb8Rap890PA+Wpo2y2ij79N9S00ZZHcjYjkDGFGQ5ZuzU/XyFxuzUPJ"
    "bLUzclnof9wDyZBptDDKGf+TrIfYf2mAtFOMwnJ7Nh4zB9tSBcTJaIsjtmLQXN3LHQHfHT"
    "0kFa614G/O28FSIkIdByIUodRsee7Ism72gM+xfdW2w0Qr75Ce3d+g+3fQSXOPpI/ytwFe"
    "zPli/7wf2Md4xP/EhMh2CP3EJIJI9ucwxuYTQdbE/9uyMnTCwIWQjDWkxsh6Qz8Ql6uCoS"
    "7nyUrYgn1rco/UaDQE6Bj7P0QyTD+x/9t8lM4PDr6NiGINEJ8wiSo0IuRHPOueiZihchJk"
    "YOvRHRnIG74kVB7j+SSn7jMDaT+ryYLH/luaKxkYzkC7MlxnGZkJsmtuut1q+ktgmbRGfA"
    "XY8bwdWWhr4a67Fdunn/SLgMShp1w+bapKuMHyJVsAybaywVWCrYUUlYFZQaYZUDIsu9y0"
    "OsItUY569iCUqF3SxD1kH1s/4kHQFm1cSGFFEHYW7EE7xVT3vLtMotwWtUPS+SIuog0E2c"
    "GdEe+A7miW41wk2liV7Rskuu5jRZ9/Cu/3JLnWutYTEusA0pIM7VRpIkOr9FC/NbtG0Nd8"
    "nBiR+wLXFeJ5VZhlYH57R4oqX9v8rGExHoff3xfV2CZbAFrabaZsi6h/RhWYG1SF7Ngr3i"
    "BarIt1T0Ok1cm5mXR+g6E50g0/Pb5vmduezBtirfVZQh6x77bMRASFyXKXap/CDdiKALAG"
    "87RFcHij4LDhYHx1TkYSuEXfjImolCyR4mrIh0ikijrEa5ICI3Hf+1YUxu+ia13cK9bFDu"
    "yqetDsstc0q2Mr5xwoNuYpv6mNcPd8amn9jKpvcbRjufyp4uRUe7uxNvN9j5+kEIlkJ87y"
    "kCnaO6flGQMwtaNX/Jog4z3UZGqvwwU52dofE7oNy1LCwJOq2htFtDWevsda1Hr0tMr3bv"
    "rDe72szwLKZZn0fV51Fb8C3tcpLAT/6Nzwql41N0F3S+yiHvi7a1xvHEGkddsab5GofOuN"
    "9s9HRyZCsw5/uiMmTbQ7vXewLxpAmHlEtmRCUl5qd/jwh0dOTKITgtdj8HsVtf7dvZaV4R"
    "+cu4DeSliJv5C3xh8yY4w72bk75df0ECsVzhPcTzEQF+aUQzWHeq71mkROjryLa4JevryL"
    "Z6KESwt6URZLlVWETyM+OuUOrEuGUS4wZcq2J4ZJKog3pp4za/mJdvaPGLLUs7BnhZe19q"
    "qa0fjuHnU6hFshrKrjoE+RZkqwCzXOkqxvRR+Soxk2Xu1Q3txX0EnntIxhYclUfYTwcXpE"
    "XzfkG3UdKNIMca5uIfgegLD9mW6oLdejtXX/AS5mLSMp+W+drBR2rPRbSsmIRoqbMP5Qge"
    "u5R96AmTFzYT6ERmSpgL0+ypMX6+fKHIT65MYrimxNwx81hWak4srTZ5yKP4BIUgmIxdyB"
    "cCQ4lLu8m1m1y7ybWbfAfd5OCO+5vRaiJvgmaLkH8ZnjWFetMZ3h6I61XT0xIUOhxBhyM8"
    "Gz+1Dkd4dtOcuJA6Pcf5t3slSPTtXuvf7hXAaMwcTNf4yhTkOjdayz60teJ+TCxkIQu7hj"
    "e/i1Db0F11FvR5k+hyZ7/QVa9VKksaXgrpbTO4LqGP3d2YigEKTrW7bFHD3Vuljv/vJEyp"
    "c9/rg5Q8ZN4VmBq1CxJXIPaBKA/PxJX9QsugbAYpo8v7holQTrh/x5Wghlu5ptgiaMRcuD"
    "GLOKM+YlSUzoiLwFB1Bzdd7UG1YPiSTrwuvILLz/iAZMYHxXVkzb9uA5vm0xrbnpVd8wE7"
    "80pYRwQdtGweDk7KODwHJ/keT6jTtgotW2/Tj/XFk+x1Zav6EiQHyd+lIE5I+6464/7X7q"
    "uncl9pJt9ZJq8N0s9imtezk/k3A21qGfN7+Sj2T2bt7tRvV0k/Ja5tTlRiT1BTKPjguE1r"
    "JB8dDb1hNHSuk71Am831sndC1GkishQ+qgoIB807iG4jd37AjkKoQrzI94UmSDbyhbYN7W"
    "04Q59Ug//xf2qumK8="
)
