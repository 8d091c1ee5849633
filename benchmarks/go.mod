module github.com/cachetoolz/cachetoolz/benchmarks

go 1.25.0

require (
	github.com/cachetoolz/cachetoolz v0.0.0
	github.com/go-redis/cache/v9 v9.0.0
	github.com/jellydator/ttlcache/v3 v3.4.1
	github.com/maypok86/otter/v2 v2.4.0
	github.com/patrickmn/go-cache v2.1.0+incompatible
	github.com/redis/rueidis v1.0.79
	github.com/viccon/sturdyc v1.1.5
	go.mongodb.org/mongo-driver/v2 v2.10.0
	golang.org/x/sync v0.22.0
)

require (
	github.com/xdg-go/scram v1.4.0 // indirect
	github.com/xdg-go/stringprep v1.0.4 // indirect
	github.com/youmark/pkcs8 v0.0.0-20240726163527-a2c0da244d78 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/crypto v0.54.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

require (
	github.com/cachetoolz/cachetoolz/mongo v0.0.0
	github.com/cachetoolz/cachetoolz/redis v0.0.0
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/redis/go-redis/v9 v9.22.0
	github.com/vmihailenco/go-tinylfu v0.2.2 // indirect
	github.com/vmihailenco/msgpack/v5 v5.3.4 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
)

replace github.com/cachetoolz/cachetoolz => ../

replace github.com/cachetoolz/cachetoolz/redis => ../redis

replace github.com/cachetoolz/cachetoolz/mongo => ../mongo
