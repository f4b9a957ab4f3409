from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "calendar_subscriptions" (
    "id" VARCHAR(40) NOT NULL PRIMARY KEY,
    "user_id" VARCHAR(255),
    "name" VARCHAR(200) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "schedule_id" VARCHAR(64) REFERENCES "schedules" ("id") ON DELETE CASCADE
) /* A feed of one schedule, one schedule filtered to one user, or one user on every schedule. */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "calendar_subscriptions";"""


MODELS_STATE = (
    "eJztXVtz2zYW/isYvcSZcbOO47qe9MlxnK23vmRiebeTuENBJCRyTAEMAVlRW//3BcD71a"
    "REyhSFF1sCcEDowwFwbjj8ezAjBrLpmzNoI2xA93Y+prprOcwiePAe/D3AcIb4h9J2+2AA"
    "HSdqJQoYHNuSUPcpNBojkU3gmDIX6oy3mkCbIl5koPjTB6dggpAByAQQjADVTWTMbd4u/g"
    "1MLJshlzdjRFbMKXJ5Ezf8wj8A9IjcZUjzRjzeIDp/voWnrT7pHt/jkajTLGMEBJoUQOAg"
    "l/K2kIYNKTAI2MPE68dFOnENgPmYkPH6DfiIbMT4UAEzY+MxRCmi99hivKM4vPuAEtHWco"
    "Ft4Qdey4gDFsR94J3IXz/H1vc50hiZIt7O5Rh8+5MXW9hAPxANvjoP2sRCtpFgBcsQHchy"
    "jS0dWXZmQveTbCmQHWs6seczHLV2lswkOGzOgRelU4SRCxkyYiyA57bt805Q5I2VFzB3js"
    "JBGlGBgSZwbgtGEtTeCKKygaZd3wy12/Ohpg0yTBZQxLjBL9I5kJxBLcyo/P0z+EPjvDxl"
    "Jv96dPDkPSfCwWslHvjf0y9nv51+2Ts6eC0eSDiXe4vh2q85lFVPsgvIoNeJRD2C2WeaOl"
    "jHSFYC3IczxDtoEgEeLdSNI374888VIOetCjGXdQL0CGT5vwbCQftm+Llb+B5UYWneqhjf"
    "g4M0vow8IKyZkJp1UE5S9W7vOD6qAPTxUSHOoioJs+4iAYUGWRbmj7yGWTOUD3WSMgW14Z"
    "O+CT5sIZOXQD28uDq/HZ5efRbdzyj9bku8TofnouZQli5TpXvHqWkJOwH/uxj+BsRX8PXm"
    "+lzCSSibuvKJUbvh14EYE5wzomGy0KARxyQoDooS0xyc/DWPhRRZ/46GZhaUEHgmD7lncY"
    "BgFvVPxEXWFP+OlhL7Cz5KiPW8M8KXoG9jXW0X5k8BXwWl0RBduAgFxTS7cQg8QVUy6ent"
    "2enH84EEewz1hwV0DS2BuqghhyRVErbNVs0OZ+kSiOFUAiR+iRh3oL4QzLjGccVlXpIUan"
    "MblCs2XlNtJttW1GhuuKawgEuhQfCNVze5LiCEtvf8P+9vYk3nQr/QTYgxsgHEhpT4+RbB"
    "dxEKhJyPCbP4r3WlckCzmkwrT8jRFr5JadPf5Sz5+/5cR4O4wKyGAiG4L7WAfFbsrgwwFU"
    "P46fDt0S9HJ++Oj054EznMsOSXkl3s4nr4jL4QTkN1aOMkzwO8BYd9MxjH5CpvmdQ5bGMk"
    "PVQSmhdd/Z2nDsQxkh5C/PagkiImmhXC7FUmgX4Be0K3gW7MoFAiOAZn5JpC453fzZbhXV"
    "VijPFZl6TFc6pDGxaZwmO1pXIiCttVkxGL0X3eZvuNL0zI5vJBHE9e+40f8ralL314RaEy"
    "7JbuClVOuMPiE+7w6DnDbmJCqqKdIOrhZty8YOEhlsX4P7c312UY59nBLJ2Bf4Bt0W0Uik"
    "uAFVgkjF8BoHtXp3+ksT67vPmQtmqJDj6kgKfz2Qy6OcgP0Y8CRSRG0gveLjM6nv8xLIc8"
    "tDle3lz/O2ienock5AZi0LJzhOhiZo+RKG5fg9sNZMwd7QHl8Hvxbp4g6p89thVXHXEQro"
    "tznKYRmLskqLQBciQ+VnYuhBS92LlTuvhxFU087RKK6eHHylO3k566uWOsOM1JSjXNnZ5m"
    "qD/wKhsZ05XmOoe8gQnvmGjQ2/ke1xJFckiV4FdJJuHzR+zHlRZYilQtri4vrnCy6i2sFJ"
    "laVBUFfeRQzSA4J6al0F+cJNqcx/igLZwbdhcbc7TCJhVRbWR/2qTGuu3bU8azV+yIisUU"
    "y/gZPXL5JJnhg0/+6fcvKPIf5fv9rmNdbd82VuT+e2rTaXcJl9I1lvHXeRX7Za46WzSpfD"
    "fFJUxODJBkv4JREE4zAsQ1eEfAcZGODIR1BPYgMK2pibzLIgsL09d5t1DW7lPeN6EMumwk"
    "g7tGCBsj8ICQI+O8GPrBxLWThWsxhvB7cHF7A06OD95ycmaC0dcRmBCXUwJLOqXZ/j3m30"
    "UlmTNRTiYTiphstYC2/ZNuE/0BiN1pHyxMSzeBRUXkmcF7SFxXeUXv8V9ioDIqTRCAPUpE"
    "WJoJ8RSJuzeyekYeEY337c2KN0CLvS4OSItHaaqgtA2egCoobZNShrqz0u6dFRGNUsuVFh"
    "IoR9oajrTg6NM4ADkydIkCmCbsIaOfVGDzk0ImP8mYVALI/AdU351zKNUmnbNJSxGsph/N"
    "7Sv3NnVZNoKXS7V1wPWb98821DyyfIfmA9ALlNfiQzBNp87CdUKoXu6iX9eg34mbfl0DvQ"
    "dX/YTpTEeDHEOQX7NfZgnCsk0LAdtJKwU1rQnTwqM/uC3gPX0904UK3G48cDs1W3Vs/ClS"
    "FdbROVN/2gJQZ0WFN2H7d+C2k3Ul3IErap0RgVI2u3FNtdNaUfOXSWYWnjNEtTGacDEwRz"
    "i0CSzg3SxpCvCJoN1CLi7B+OPN3YfLc/D5y/nZxe2FryCFW7yslOLPd9vyhMUv56eX3XOm"
    "bxHiW3fGUoRXieiKkaloiS5P7+YvgXXsSNqhO2Dbg3wr1jp1p2M3tjRllFVG2ZdfS20bZV"
    "UgYzcCGROQFZix45CWG7MT81gtT90MUQq9wDyZBpuJGEIv87Wf+w7sEVcUwSCfnMyGDYP0"
    "1ZxwYS4BJmNiLDnN3DbAGHlp6URa60EK/M08VURIikDLBS+1CZ5S2RcGUZ4WEPTPuzfIZA"
    "I88xPYG3kfRvuAIhGoKJD+l+8qeOMsX+8DLNJ/gzFhpheJaSNI0UiERMroS5HXVgxQfNFt"
    "aM34J8iASThDyEIxrIVp2SiZiY/T88HZyHjvtUKU8zcvvcd+ICfHx156IZIy5pKzivc0mQ"
    "lc/Do8tUSQqEkoAnJUwBXRnHPGe8b8QYDwkYveEG9OhLviVUnuP5RIfmMT4kh9nk+Wx3ku"
    "b6zFI/mCbIlRXKbITRPZ9bL1mdQ2QZPwDrhLGZecGJo54r9KbPPS/pGADSoadYPmyqSbGz"
    "+E6mAZNFdY5mCZsx1VhDWHUiGc54BI797VIc4jVRgXc7EEpcZpliLrofrZfJIOH7N6YkOC"
    "qIcwt+IJ3qinvWNa5Ybg1ereF0kQ9RDoNu6MKA98D/NEdxrhttJEZ7TsitycJOsf3u8OK6"
    "D97rAQa1Glcq1tVIzzbUM5EBdqI3ESld+ig/ktusbDfXJwwkdoSZxXSWWWolXBOR2eaGn/"
    "r3PwhATqXH/+XJdgaWSB66m2KbL+If22qsBaJq+mwc54gWruW3n0Kk1clzcvivAqEx0jU/"
    "Pb5fl1XPJoGbXfVZQi69/22YqBELkuyTmlioN0Q4I+ALzpEF0VKLoTO1gUHFNzD8sQ9mGR"
    "tROFkr5MWBPpBJFCOR/lkojcZPzXmjG5yTepbRfuVYNyM0s7Pyy3yi3Z2vhGCQ/6iW1iMX"
    "cpB8XNIxeXuFA6yAnfDev2y0J3id+q/VcHquDJTeRZKg6eVDkHWn+zkbuS3SBGp+Tubsvd"
    "K90obvRCcYXpVU6L1WZXKc87Mc3qlqW6ZdmBtbTNqe8+e+8xzlE6PodvOC5WOeRbkC2lcb"
    "ywxtFUBGWxxqHyyLcbExwfWQbmYg9LimxzaA8GLyCetOFmcZGD8qTE4qTmIYGK+ctc7VJi"
    "9y6I3eqFtb2d5ozIXyX3h3zVX5YV6uT88ITNW/9m8nZO+mZTfsQQKxTeAzyfEeCXWjiDTS"
    "ewdkIlQr1ka4NHsnrJ1kavOvDtban5uVtzLCLF+V4zlCrda5V0r/6uVTPoL07UQ720dZtf"
    "tJevafGLLEtbBnhVe1+C1VbPqeZlCWhEshrKrnoE+QZkKx+zQukqwvRZ+So2k1XeFhvYi/"
    "eB8NyLFGP+BXAAvSRnfrIv+isYhakk/MxhkPE/HNFXFFhG3mtjm+08/7UlQYYhJfMpma8b"
    "+0jjGXbqptZROXWKBI9tyqnzgin52gl0Qk4uzKXJ4/Ix3t19ocxPnpuab0WJuWfmsbTUHG"
    "OtLnnIw/iEHEEwHrtQLAQGEpdykys3uXKTKzf5FrrJhTvuL4Lribwxmg1Cfjc8awv1tvOW"
    "PSKX1tPTYhQqHEGFI+yMn1qFI+zcNMdes5yc4+J3VsVI1DurVn9nlQ+j5tgQr7DKcshVxq"
    "+OLbSV4n50yGUhA7oanY9D1NZ0V535fd7GutzaFZr1WiVyf8Ell97Wg+tS9LG9B1M5QP5d"
    "bZcsGnijVKVL7VsJU+Le9+ogxS+Z9wWmNu2Cd1Sa4DI2wTv/snWxPVD4XZUtsDfuFGUOfC"
    "lzoFLweyuQKgV/J6Z5Nb3De3/AupqG18sVPz+Jsb1Tv1mh5xS5lm7miT1+TangA6M2nZF8"
    "VHTZmtFlhU6LYjmn2GvRC1GnjUgdsahqIOw37yG6rWQGFycKwjniRbFtOUaylm25a2hvwr"
    "hc49Rv/jB7+j+NKvhg"
)
