package store

import (
	"database/sql"
	"log"
)

type Order struct {
	ID       int64   `json:"id"`
	UserID   int64   `json:"user_id"`
	Status   string  `json:"status"`
	Total    float64 `json:"total"`
	Items    []Item  `json:"items"`
	Customer string  `json:"customer"`
}

type Item struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

type Store struct {
	db *sql.DB
}

func New(db *sql.DB) *Store {
	return &Store{db: db}
}

func (s *Store) Orders() ([]Order, error) {
	rows, err := s.db.Query("SELECT id, user_id, status, total FROM orders") // expect: GO-DATA-006
	if err != nil {
		return nil, err
	}
	var orders []Order
	for rows.Next() { // expect: GO-DATA-007
		var o Order
		if err := rows.Scan(&o.ID, &o.UserID, &o.Status, &o.Total); err != nil {
			return nil, err
		}
		items, err := s.db.Query("SELECT sku, quantity FROM order_items WHERE order_id = $1", o.ID) // expect: GO-DATA-001, GO-DATA-006
		if err != nil {
			return nil, err
		}
		for items.Next() { // expect: GO-DATA-007
			var it Item
			items.Scan(&it.SKU, &it.Quantity) // expect: GO-REL-003
			o.Items = append(o.Items, it)
		}
		orders = append(orders, o)
	}
	return orders, nil
}

func (s *Store) Create(o Order) (int64, error) {
	var id int64
	err := s.db.QueryRow("INSERT INTO orders (user_id, status, total) VALUES ($1, 'new', $2) RETURNING id",
		o.UserID, o.Total).Scan(&id)
	if err != nil {
		return 0, err
	}
	for _, it := range o.Items {
		if _, err := s.db.Exec("INSERT INTO order_items (order_id, sku, quantity) VALUES ($1, $2, $3)", // expect: GO-DATA-002
			id, it.SKU, it.Quantity); err != nil {
			log.Printf("insert item: %v", err)
		}
	}
	return id, nil
}
