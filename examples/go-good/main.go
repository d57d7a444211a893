// Command orders serves the orders API.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	_ "github.com/lib/pq"

	"example.com/orders/internal/api"
	"example.com/orders/internal/store"
)

type config struct {
	addr        string
	databaseURL string
	maxConns    int
}

func loadConfig() (config, error) {
	cfg := config{addr: os.Getenv("ORDERS_ADDR"), databaseURL: os.Getenv("ORDERS_DATABASE_URL"), maxConns: 20}
	if cfg.addr == "" {
		cfg.addr = ":8080"
	}
	if cfg.databaseURL == "" {
		return cfg, errors.New("ORDERS_DATABASE_URL is required")
	}
	if raw := os.Getenv("ORDERS_DB_MAX_CONNS"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("ORDERS_DB_MAX_CONNS: want a positive integer, got %q", raw)
		}
		cfg.maxConns = n
	}
	return cfg, nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(logger); err != nil {
		logger.Error("orders stopped", "err", err)
		os.Exit(1)
	}
}

func run(logger *slog.Logger) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	db, err := sql.Open("postgres", cfg.databaseURL)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(cfg.maxConns)
	db.SetMaxIdleConns(cfg.maxConns / 2)
	db.SetConnMaxLifetime(30 * time.Minute)

	server := api.New(store.New(db), logger)
	srv := &http.Server{
		Addr:              cfg.addr,
		Handler:           server.Routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errs := make(chan error, 1)
	go func() {
		logger.Info("listening", "addr", cfg.addr)
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) { // ok: GO-REL-007, GO-REL-008, GO-OBS-003
			errs <- err
		}
		close(errs)
	}()

	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown) // drains in-flight requests before the pod is killed
}
