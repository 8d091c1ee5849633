package rediscache

import "errors"

var errShortReply = errors.New("unexpected reply length")
