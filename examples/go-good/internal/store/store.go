// Package store keeps orders in PostgreSQL.
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// ErrNotFound is returned when an order does not exist or belongs to someone else.
var ErrNotFound = errors.New("not found")

type Item struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

type Order struct {
	ID        int64     `json:"id"`
	Status    string    `json:"status"`
	TotalCent int64     `json:"total_cents"`
	CreatedAt time.Time `json:"created_at"`
	Items     []Item    `json:"items"`
}

type Store struct {
	db *sql.DB
}

func New(db *sql.DB) *Store {
	return &Store{db: db}
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.PingContext(ctx)
}

// UserForToken resolves an opaque bearer token (stored as its SHA-256) to its user.
func (s *Store) UserForToken(ctx context.Context, token string) (int64, error) {
	digest := sha256.Sum256([]byte(token))
	var userID int64
	err := s.db.QueryRowContext(ctx,
		"SELECT user_id FROM api_tokens WHERE token_sha256 = $1 AND expires_at > now()",
		hex.EncodeToString(digest[:])).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return userID, err
}

// Orders returns one page of the user's orders with their items, in two queries.
func (s *Store) Orders(ctx context.Context, userID int64, limit, offset int) ([]Order, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT id, status, total_cents, created_at FROM orders WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
		userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	orders := []Order{}
	index := map[int64]int{}
	ids := []int64{}
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Status, &o.TotalCent, &o.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan order: %w", err)
		}
		index[o.ID] = len(orders)
		ids = append(ids, o.ID)
		orders = append(orders, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	if len(ids) == 0 {
		return orders, nil
	}
	items, err := s.db.QueryContext(ctx,
		"SELECT order_id, sku, quantity FROM order_items WHERE order_id = ANY($1) ORDER BY order_id, sku",
		pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	defer items.Close()
	for items.Next() {
		var orderID int64
		var it Item
		if err := items.Scan(&orderID, &it.SKU, &it.Quantity); err != nil {
			return nil, fmt.Errorf("scan item: %w", err)
		}
		o := &orders[index[orderID]]
		o.Items = append(o.Items, it)
	}
	if err := items.Err(); err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	return orders, nil
}

// Order returns one of the user's orders.
func (s *Store) Order(ctx context.Context, userID, orderID int64) (Order, error) {
	var o Order
	err := s.db.QueryRowContext(ctx,
		"SELECT id, status, total_cents, created_at FROM orders WHERE id = $1 AND user_id = $2",
		orderID, userID).Scan(&o.ID, &o.Status, &o.TotalCent, &o.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	return o, err
}

// Create stores an order and its items in one transaction.
func (s *Store) Create(ctx context.Context, userID int64, items []Item) (Order, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Order{}, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	o := Order{Status: "new", Items: items}
	err = tx.QueryRowContext(ctx,
		"INSERT INTO orders (user_id, status, total_cents) SELECT $1, 'new', COALESCE(SUM(p.price_cents * i.qty), 0) "+
			"FROM unnest($2::text[], $3::int[]) AS i(sku, qty) JOIN products p ON p.sku = i.sku "+
			"RETURNING id, total_cents, created_at",
		userID, pq.Array(skus(items)), pq.Array(quantities(items))).Scan(&o.ID, &o.TotalCent, &o.CreatedAt)
	if err != nil {
		return Order{}, fmt.Errorf("insert order: %w", err)
	}
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO order_items (order_id, sku, quantity) SELECT $1, sku, qty FROM unnest($2::text[], $3::int[]) AS i(sku, qty)",
		o.ID, pq.Array(skus(items)), pq.Array(quantities(items))); err != nil {
		return Order{}, fmt.Errorf("insert items: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Order{}, fmt.Errorf("commit: %w", err)
	}
	return o, nil
}

// Cancel marks one of the user's new orders cancelled.
func (s *Store) Cancel(ctx context.Context, userID, orderID int64) error {
	res, err := s.db.ExecContext(ctx,
		"UPDATE orders SET status = 'cancelled' WHERE id = $1 AND user_id = $2 AND status = 'new'", orderID, userID)
	if err != nil {
		return fmt.Errorf("cancel order: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("cancel order: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

func skus(items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.SKU
	}
	return out
}

func quantities(items []Item) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = int64(it.Quantity)
	}
	return out
}
