package handlers

import (
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"regexp"

	"github.com/golang-jwt/jwt/v5"

	"example.com/orders/internal/payments"
	"example.com/orders/internal/store"
)

var jwtSecret = []byte("s3cr3t-signing-key-do-not-share") // expect: GEN-SEC-102

type Handler struct {
	Store *store.Store
	DB    *sql.DB
}

// Register puts the order API on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /login", h.Login) // expect: GO-SEC-035
	mux.HandleFunc("POST /orders", h.CreateOrder)
	mux.HandleFunc("GET /orders", h.ListOrders) // ok: GO-API-002
	mux.HandleFunc("GET /orders/search", h.SearchOrders)
	mux.HandleFunc("GET /orders/{id}/cancel", h.CancelOrder) // expect: GO-API-002
	mux.HandleFunc("POST /orders/{id}/pay", h.PayOrder)
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (h *Handler) Login(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := json.NewDecoder(r.Body).Decode(&c); err != nil { // expect: GO-SEC-036
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	sum := md5.Sum([]byte(c.Password)) // expect: GO-SEC-020
	var userID int64
	err := h.DB.QueryRow("SELECT id FROM users WHERE email = $1 AND password_md5 = $2", // expect: GO-REL-013
		c.Email, hex.EncodeToString(sum[:])).Scan(&userID)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError) // expect: GO-SEC-032
		return
	}
	token, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": userID}).SignedString(jwtSecret)
	http.SetCookie(w, &http.Cookie{Name: "session", Value: token, Path: "/"}) // expect: GO-SEC-026
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) CreateOrder(w http.ResponseWriter, r *http.Request) {
	var o store.Order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil { // expect: GO-SEC-036
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if !regexp.MustCompile(`^[a-z0-9 .'-]{1,80}$`).MatchString(o.Customer) { // expect: GO-PERF-005
		http.Error(w, "invalid customer name", http.StatusUnprocessableEntity) // ok: GO-SEC-032
		return
	}
	id, err := h.Store.Create(o)
	if err != nil {
		http.Error(w, fmt.Sprintf("create order: %v", err), http.StatusInternalServerError) // expect: GO-SEC-032
		return
	}
	go func() { // expect: GO-PERF-002, GO-REL-014
		log.Printf("order %d created, notifying warehouse", id) // expect: GO-OBS-004
	}()
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]int64{"id": id})
}

func (h *Handler) ListOrders(w http.ResponseWriter, r *http.Request) {
	orders, err := h.Store.Orders()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError) // expect: GO-SEC-032
		return
	}
	json.NewEncoder(w).Encode(orders)
}

func (h *Handler) SearchOrders(w http.ResponseWriter, r *http.Request) {
	customer := r.URL.Query().Get("customer")
	// SQL injection: the query parameter is pasted into the statement.
	query := fmt.Sprintf("SELECT id, status, total FROM orders WHERE customer = '%s'", customer)
	rows, err := h.DB.Query(query) // expect: GO-DATA-006, GO-REL-013, GO-SEC-001
	if err != nil {
		http.Error(w, "search failed", http.StatusInternalServerError) // ok: GO-SEC-032
		return
	}
	var found []store.Order
	for rows.Next() { // expect: GO-DATA-007
		var o store.Order
		rows.Scan(&o.ID, &o.Status, &o.Total) // expect: GO-REL-003
		found = append(found, o)
	}
	json.NewEncoder(w).Encode(found)
}

func (h *Handler) CancelOrder(w http.ResponseWriter, r *http.Request) {
	if _, err := h.DB.Exec("UPDATE orders SET status = 'cancelled' WHERE id = $1", r.PathValue("id")); err != nil { // expect: GO-REL-013
		http.Error(w, err.Error(), http.StatusInternalServerError) // expect: GO-SEC-032
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) PayOrder(w http.ResponseWriter, r *http.Request) {
	var amount float64
	h.DB.QueryRow("SELECT total FROM orders WHERE id = $1", r.PathValue("id")).Scan(&amount) // expect: GO-REL-003, GO-REL-013
	if err := payments.Charge(0, amount); err != nil {
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "payment failed: %v", err) // expect: GO-SEC-032
		return
	}
	w.WriteHeader(http.StatusOK)
}
