package main

import (
	"database/sql"
	"log"
	"net/http"
	"os"

	_ "github.com/lib/pq"

	"example.com/orders/internal/handlers"
	"example.com/orders/internal/store"
)

func main() {
	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}

	h := &handlers.Handler{Store: store.New(db), DB: db}

	mux := http.NewServeMux()
	h.Register(mux)

	log.Println("listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", mux)) // expect: GEN-REL-101, GEN-TEST-101, GO-OBS-003, GO-REL-007, GO-REL-008
}
