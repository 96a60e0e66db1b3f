module hsec.local/tutorial

go 1.19

require hsec.local/hsec v0.0.0

replace hsec.local/hsec => ../../../bindings/go
