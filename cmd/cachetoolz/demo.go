package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/cachetoolz/cachetoolz"
	"github.com/cachetoolz/cachetoolz/memory"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "")
	delay := fs.Duration("delay", 300*time.Millisecond, "how long the slow function takes")
	ttl := fs.Duration("ttl", time.Second, "time to live of the cached prices")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: demo takes no arguments", errUsage)
	}
	if *delay < 0 || *ttl <= 0 {
		return fmt.Errorf("%w: -delay must not be negative and -ttl must be positive", errUsage)
	}
	return demo(ctx, e.stdout, *delay, *ttl)
}

type product struct {
	ID    int
	Name  string
	Price int
}

// demo walks through misses, hits, expiry, a namespace clear and the stats.
func demo(ctx context.Context, w io.Writer, delay, ttl time.Duration) error {
	c, err := cachetoolz.New(memory.Must(memory.New(nil)), nil)
	if err != nil {
		return err
	}
	defer c.Close()

	prices := map[int]int{1: 250, 2: 990}
	getProduct, err := cachetoolz.Wrap1(c, func(ctx context.Context, id int) (product, error) {
		select { // a deliberately slow lookup
		case <-time.After(delay):
		case <-ctx.Done():
			return product{}, ctx.Err()
		}
		return product{ID: id, Name: fmt.Sprint("product-", id), Price: prices[id]}, nil
	}, &cachetoolz.Options{Namespace: "products", TTL: ttl, Name: "demo.getProduct"})
	if err != nil {
		return err
	}
	countUsers := 0
	getUserCount, err := cachetoolz.Wrap0(c, func(context.Context) (int, error) {
		countUsers++
		return 1000 + countUsers, nil
	}, &cachetoolz.Options{Namespace: "users", Name: "demo.getUserCount"})
	if err != nil {
		return err
	}
	setPrice, err := cachetoolz.ClearAfter(c, func(ctx context.Context, id, price int) error {
		prices[id] = price
		return nil
	}, "products")
	if err != nil {
		return err
	}

	call := func(label string, id int) error {
		start := time.Now()
		p, err := getProduct(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-34s %-10s price %4d   %10v\n", label, p.Name, p.Price, time.Since(start).Round(time.Microsecond))
		return nil
	}
	steps := []struct {
		title string
		run   func() error
	}{
		{fmt.Sprintf("A slow function (%v per call), wrapped:", delay), func() error {
			if err := call("first call: miss, runs it", 1); err != nil {
				return err
			}
			if err := call("same argument: hit", 1); err != nil {
				return err
			}
			if err := call("another argument: miss", 2); err != nil {
				return err
			}
			return call("hit again", 2)
		}},
		{fmt.Sprintf("Entries live for %v:", ttl), func() error {
			select {
			case <-time.After(ttl + 50*time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
			return call("after the TTL: miss, runs again", 1)
		}},
		{`A write clears the "products" namespace, not "users":`, func() error {
			n, _ := getUserCount(ctx)
			fmt.Fprintf(w, "  %-34s %d\n", "users counted (runs once)", n)
			if err := setPrice(ctx, 1, 199); err != nil {
				return err
			}
			if err := call("after the clear: miss, new price", 1); err != nil {
				return err
			}
			n, _ = getUserCount(ctx)
			fmt.Fprintf(w, "  %-34s %d\n", "users counted (still cached)", n)
			return nil
		}},
	}
	for i, s := range steps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, s.title)
		if err := s.run(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "\nStats:")
	stats := c.Stats()
	names := make([]string, 0, len(stats))
	for name := range stats {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "  %-10s %6s %6s %6s %6s\n", "namespace", "hits", "misses", "loads", "errors")
	for _, name := range names {
		s := stats[name]
		fmt.Fprintf(w, "  %-10s %6d %6d %6d %6d\n", name, s.Hits, s.Misses, s.Loads, s.Errors)
	}
	return nil
}
