package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/orders/internal/store"
)

type fakeStore struct {
	created []store.Item
}

func (f *fakeStore) Ping(context.Context) error { return nil }

func (f *fakeStore) UserForToken(_ context.Context, token string) (int64, error) {
	if token == "valid" {
		return 7, nil
	}
	return 0, store.ErrNotFound
}

func (f *fakeStore) Orders(context.Context, int64, int, int) ([]store.Order, error) {
	return []store.Order{{ID: 1, Status: "new"}}, nil
}

func (f *fakeStore) Order(_ context.Context, _, id int64) (store.Order, error) {
	if id != 1 {
		return store.Order{}, store.ErrNotFound
	}
	return store.Order{ID: 1, Status: "new"}, nil
}

func (f *fakeStore) Create(_ context.Context, _ int64, items []store.Item) (store.Order, error) {
	f.created = items
	return store.Order{ID: 2, Status: "new", Items: items}, nil
}

func (f *fakeStore) Cancel(context.Context, int64, int64) error { return nil }

func newTestServer() (http.Handler, *fakeStore) {
	fake := &fakeStore{}
	return New(fake, slog.New(slog.NewTextHandler(io.Discard, nil))).Routes(), fake
}

func do(h http.Handler, method, path, body, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestOrdersNeedAToken(t *testing.T) {
	h, _ := newTestServer()
	if rec := do(h, http.MethodGet, "/api/v1/orders", "", ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", rec.Code)
	}
}

func TestListOrdersValidatesThePage(t *testing.T) {
	h, _ := newTestServer()
	if rec := do(h, http.MethodGet, "/api/v1/orders?limit=1000", "", "valid"); rec.Code != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400", rec.Code)
	}
	rec := do(h, http.MethodGet, "/api/v1/orders?limit=10", "", "valid")
	if rec.Code != http.StatusOK || rec.Header().Get("X-Request-ID") == "" {
		t.Fatalf("status = %d, request id %q", rec.Code, rec.Header().Get("X-Request-ID"))
	}
}

func TestCreateOrder(t *testing.T) {
	h, fake := newTestServer()
	rec := do(h, http.MethodPost, "/api/v1/orders", `{"items":[{"sku":"ABC-1","quantity":2}]}`, "valid")
	if rec.Code != http.StatusCreated || len(fake.created) != 1 {
		t.Fatalf("status = %d, created %v", rec.Code, fake.created)
	}
	if rec := do(h, http.MethodPost, "/api/v1/orders", `{"items":[]}`, "valid"); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty order: status = %d, want 422", rec.Code)
	}
}

func TestUnknownOrderIs404(t *testing.T) {
	h, _ := newTestServer()
	if rec := do(h, http.MethodGet, "/api/v1/orders/99", "", "valid"); rec.Code != http.StatusNotFound {
		t.Fatalf("status = %d, want 404", rec.Code)
	}
}
