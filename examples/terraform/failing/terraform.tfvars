image_name = "web-01 whole " # request-name: ends in a space
