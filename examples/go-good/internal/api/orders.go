package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"example.com/orders/internal/store"
)

const maxPageSize = 100

type createOrderRequest struct {
	Items []store.Item `json:"items"`
}

// Validate checks the request at the boundary: 1..50 items, known SKU shape, sane quantities.
func (c createOrderRequest) Validate() error {
	if len(c.Items) == 0 || len(c.Items) > 50 {
		return errors.New("an order has between 1 and 50 items")
	}
	for _, it := range c.Items {
		if len(it.SKU) == 0 || len(it.SKU) > 32 {
			return errors.New("sku must be 1 to 32 characters")
		}
		if it.Quantity < 1 || it.Quantity > 1000 {
			return errors.New("quantity must be between 1 and 1000")
		}
	}
	return nil
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	limit, err := queryInt(r, "limit", 20, 1, maxPageSize)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "invalid_limit", err.Error())
		return
	}
	offset, err := queryInt(r, "offset", 0, 0, 1_000_000)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "invalid_offset", err.Error())
		return
	}
	orders, err := s.store.Orders(r.Context(), userFrom(r.Context()), limit, offset)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": orders, "limit": limit, "offset": offset})
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "invalid_id", "id must be an integer")
		return
	}
	order, err := s.store.Order(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, order)
}

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var in createOrderRequest
	dec := json.NewDecoder(r.Body) // ok: GO-SEC-036
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeError(w, r, http.StatusBadRequest, "invalid_body", "body must be a JSON order")
		return
	}
	if err := in.Validate(); err != nil {
		writeError(w, r, http.StatusUnprocessableEntity, "invalid_order", err.Error())
		return
	}
	order, err := s.store.Create(r.Context(), userFrom(r.Context()), in.Items)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/orders/"+strconv.FormatInt(order.ID, 10))
	writeJSON(w, http.StatusCreated, order)
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "invalid_id", "id must be an integer")
		return
	}
	if err := s.store.Cancel(r.Context(), userFrom(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// fail maps store errors to answers: 404 for a missing order, a generic 500 (logged with the
// request id) for anything else.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, r, http.StatusNotFound, "not_found", "order not found")
		return
	}
	s.logger.ErrorContext(r.Context(), "request failed", "err", err, "request_id", requestIDFrom(r.Context()))
	writeError(w, r, http.StatusInternalServerError, "internal", "internal error")
}

func queryInt(r *http.Request, name string, fallback, min, max int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, errors.New(name + " must be an integer between " + strconv.Itoa(min) + " and " + strconv.Itoa(max))
	}
	return n, nil
}
