package mongocache

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Defaults used where [Options] leaves a field zero.
const (
	// DefaultURI is the server New connects to when given an empty URI.
	DefaultURI = "mongodb://localhost:27017"
	// DefaultDatabase is the database that holds the collections. (The
	// dotted ".cachetoolz" of other cachetoolz ports is not a valid
	// database name on every server.)
	DefaultDatabase = "cachetoolz"
	// DefaultTimeout bounds an operation whose context has no deadline.
	DefaultTimeout = 5 * time.Second
	// DefaultServerSelectionTimeout bounds an operation's wait for a usable
	// server (the driver's default is 30s), unless the URI or Options.Client
	// set it. It is what bounds operations while the server is down.
	DefaultServerSelectionTimeout = 2 * time.Second
	// DefaultConnectTimeout bounds opening a connection and each check of
	// the server's health, unless the URI or Options.Client set it. It is
	// not shorter because a health check that times out closes every
	// connection in use, which would turn a slow server into failed
	// operations.
	DefaultConnectTimeout = 10 * time.Second
	// DefaultTrackInterval is how long a tracking backend waits between
	// two polls; see Options.TrackInterval.
	DefaultTrackInterval = 100 * time.Millisecond
	// DefaultTrackTimeout bounds one poll of a tracking backend; see
	// Options.TrackTimeout.
	DefaultTrackTimeout = time.Second
)

// Options configures a [Backend]. A nil *Options, or a zero field, means the
// documented default.
type Options struct {
	// Database names the database that holds one collection per namespace.
	// Default: DefaultDatabase.
	Database string

	// Client holds driver options for [New], applied after the URI, so
	// that what it sets wins over the URI and over this package's defaults
	// (DefaultServerSelectionTimeout, DefaultConnectTimeout). NewFromClient
	// ignores it.
	Client *options.ClientOptions

	// Timeout bounds every operation whose context has no deadline.
	// Default: DefaultTimeout; a negative value leaves such operations
	// unbounded.
	Timeout time.Duration

	// Logger receives the backend's rare log records, such as a server
	// that cannot build TTL indexes. Default: slog.Default().
	Logger *slog.Logger

	// TrackInterval is how long a tracking backend (one a cache with a
	// local tier called [Backend.Track] on) waits after one poll before
	// the next. A change made by any process reaches the local tier, as a
	// Changed or Cleared report, typically within TrackInterval plus one
	// poll (a few milliseconds on a local server), and never later than
	// TrackInterval plus twice TrackTimeout: a poll that fails or takes
	// longer is reported as Lost. Shorter intervals cost more queries: one
	// per watched namespace per poll. Default: DefaultTrackInterval; it
	// must be at least a millisecond.
	TrackInterval time.Duration

	// TrackTimeout bounds one poll of a tracking backend; a poll that has
	// not finished by then has failed (see TrackInterval). Default:
	// DefaultTrackTimeout; it must be at least a millisecond.
	TrackTimeout time.Duration
}

// resolved is Options with the defaults applied.
type resolved struct {
	database string
	client   *options.ClientOptions
	timeout  time.Duration
	logger   *slog.Logger
	interval time.Duration // between two polls
	pollMax  time.Duration // bounds one poll
}

func (o *Options) resolve() (resolved, error) {
	var r resolved
	if o != nil {
		r = resolved{database: o.Database, client: o.Client, timeout: o.Timeout, logger: o.Logger,
			interval: o.TrackInterval, pollMax: o.TrackTimeout}
	}
	if r.database == "" {
		r.database = DefaultDatabase
	}
	if err := checkDatabase(r.database); err != nil {
		return r, err
	}
	if r.timeout == 0 {
		r.timeout = DefaultTimeout
	}
	if r.logger == nil {
		r.logger = slog.Default()
	}
	var err error
	if r.interval, err = trackDuration("TrackInterval", r.interval, DefaultTrackInterval); err != nil {
		return r, err
	}
	if r.pollMax, err = trackDuration("TrackTimeout", r.pollMax, DefaultTrackTimeout); err != nil {
		return r, err
	}
	return r, nil
}

// checkDatabase rejects database names that MongoDB or FerretDB refuse.
func checkDatabase(name string) error {
	if len(name) > 63 {
		return fmt.Errorf("cachetoolz: mongo: database name %q is longer than 63 bytes", name)
	}
	if i := strings.IndexAny(name, "/\\. \"$*<>:|?\x00"); i >= 0 {
		return fmt.Errorf("cachetoolz: mongo: database name %q holds %q, which servers refuse", name, name[i])
	}
	return nil
}

// trackDuration applies the default def to a zero duration d and rejects
// one under a millisecond.
func trackDuration(name string, d, def time.Duration) (time.Duration, error) {
	if d == 0 {
		return def, nil
	}
	if d < time.Millisecond {
		return 0, fmt.Errorf("cachetoolz: mongo: Options.%s %v is under a millisecond", name, d)
	}
	return d, nil
}
