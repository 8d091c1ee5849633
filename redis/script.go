package rediscache

import (
	"context"
	"crypto/sha1"
	"encoding/hex"

	"github.com/redis/rueidis"
)

// script is a Lua script that can also be run many times at once, one
// round trip per node, which rueidis.Lua.ExecMulti does only after loading
// the script on every node first.
type script struct {
	*rueidis.Lua
	src string
	sha string // hex SHA-1 of src, as EVALSHA wants it
}

func newScript(src string) *script {
	sum := sha1.Sum([]byte(src))
	return &script{Lua: rueidis.NewLuaScript(src), src: src, sha: hex.EncodeToString(sum[:])}
}

// execMulti runs the script once for each of execs, sent together: the
// client writes each node's runs in one batch, to every node at once, and
// the results are in the order of execs. A run that finds the script not
// loaded on its node is sent again with the script's text, and one that
// failed on a connection the server had closed (see staleConn) is sent
// again up to staleRetries times; the script must allow that.
func (s *script) execMulti(ctx context.Context, client rueidis.Client, execs []rueidis.LuaExec) []rueidis.RedisResult {
	res := make([]rueidis.RedisResult, len(execs))
	text := make([]bool, len(execs)) // send the text, not the SHA-1
	tries := make([]int, len(execs))
	todo := make([]int, len(execs))
	for i := range todo {
		todo[i] = i
	}
	cmds := make(rueidis.Commands, 0, len(execs))
	for len(todo) > 0 {
		cmds = cmds[:0]
		for _, i := range todo {
			e := execs[i]
			if text[i] {
				cmds = append(cmds, client.B().Eval().Script(s.src).Numkeys(int64(len(e.Keys))).Key(e.Keys...).Arg(e.Args...).Build())
			} else {
				cmds = append(cmds, client.B().Evalsha().Sha1(s.sha).Numkeys(int64(len(e.Keys))).Key(e.Keys...).Arg(e.Args...).Build())
			}
		}
		again := todo[:0]
		for j, r := range client.DoMulti(ctx, cmds...) {
			i := todo[j]
			res[i] = r
			err := r.Error()
			if re, ok := rueidis.IsRedisErr(err); ok && re.IsNoScript() && !text[i] {
				text[i] = true
				again = append(again, i)
			} else if err != nil && staleConn(err) && tries[i] < staleRetries {
				tries[i]++
				again = append(again, i)
			}
		}
		todo = again
	}
	return res
}
