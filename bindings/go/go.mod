module hsec.local/hsec

go 1.19
