module github.com/cachetoolz/cachetoolz/tools/mongotestserver

go 1.25
