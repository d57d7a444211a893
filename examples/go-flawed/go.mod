module example.com/orders

go 1.22

require (
	github.com/golang-jwt/jwt/v5 v5.2.1 // expect: GEN-SEC-106
	github.com/lib/pq v1.10.9
)
