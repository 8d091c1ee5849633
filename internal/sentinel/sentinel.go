// Package sentinel holds the sentinel errors shared by the cachetoolz package
// and the backends it imports, so that neither has to import the other.
package sentinel

import "errors"

var (
	// ErrNotFound reports a cache miss.
	ErrNotFound = errors.New("cachetoolz: not found")
	// ErrClosed reports an operation on a closed backend.
	ErrClosed = errors.New("cachetoolz: backend closed")
)
