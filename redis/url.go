package rediscache

import (
	"errors"
	"net/url"
	"time"

	"github.com/redis/rueidis"
)

// redactURL hides the password of a URL for error messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// withoutURL drops the URL that url.Parse puts in its errors, which may hold
// a password.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// boundedRetry retries read-only commands after network errors a few times,
// quickly, then gives up: a cache prefers a fast error to a long wait.
func boundedRetry(attempts int, _ rueidis.Completed, _ error) time.Duration {
	if attempts >= 3 {
		return -1
	}
	return time.Duration(1<<attempts) * 10 * time.Millisecond
}
