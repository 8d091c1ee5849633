module github.com/cachetoolz/cachetoolz/mongo

go 1.25

require github.com/cachetoolz/cachetoolz v0.0.0

replace github.com/cachetoolz/cachetoolz => ../
