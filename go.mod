module github.com/cachetoolz/cachetoolz

go 1.25
