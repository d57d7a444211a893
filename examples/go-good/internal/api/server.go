// Package api is the HTTP layer of the orders service.
package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"example.com/orders/internal/store"
)

// maxBody bounds every request body: orders are small JSON documents.
const maxBody = 64 << 10

// Store is what the handlers need from the database layer.
type Store interface {
	Ping(ctx context.Context) error
	UserForToken(ctx context.Context, token string) (int64, error)
	Orders(ctx context.Context, userID int64, limit, offset int) ([]store.Order, error)
	Order(ctx context.Context, userID, orderID int64) (store.Order, error)
	Create(ctx context.Context, userID int64, items []store.Item) (store.Order, error)
	Cancel(ctx context.Context, userID, orderID int64) error
}

type Server struct {
	store   Store
	logger  *slog.Logger
	limiter *ipLimiter
}

func New(s Store, logger *slog.Logger) *Server {
	return &Server{store: s, logger: logger, limiter: newIPLimiter(rate.Every(100*time.Millisecond), 20)}
}

// Routes builds the handler: request id, access log, panic recovery, rate limit and body limit
// around every route; authentication around the order routes.
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /api/v1/orders", s.authenticate(http.HandlerFunc(s.listOrders)))
	mux.Handle("GET /api/v1/orders/{id}", s.authenticate(http.HandlerFunc(s.getOrder)))
	mux.Handle("POST /api/v1/orders", s.authenticate(http.HandlerFunc(s.createOrder)))
	mux.Handle("POST /api/v1/orders/{id}/cancel", s.authenticate(http.HandlerFunc(s.cancelOrder))) // ok: GO-API-002
	limited := http.MaxBytesHandler(s.rateLimit(mux), maxBody)
	return s.requestID(s.accessLog(s.recoverer(limited)))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.logger.WarnContext(r.Context(), "not ready", "err", err, "request_id", requestIDFrom(r.Context()))
		writeError(w, r, http.StatusServiceUnavailable, "unavailable", "database unreachable") // ok: GO-SEC-032
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// writeError answers with the one error shape of the API; messages are fixed strings, never an
// internal error's text.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.RequestID = code, message, requestIDFrom(r.Context())
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the status is sent; a failed write means the client left
}
