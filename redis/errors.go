package rediscache

import "errors"

var (
	errShortReply    = errors.New("unexpected reply length")
	errBadGeneration = errors.New("malformed generation")
)
