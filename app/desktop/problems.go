package desktop

import (
	"bufio"
	"os"

	"cloudcontrol/backend/env"
)

// problemViews adds the offending line's text to each problem, so the
// window shows what is wrong without opening the file.
func problemViews(ps []env.Problem) []ProblemView {
	out := make([]ProblemView, 0, len(ps))
	lines := map[string][]string{}
	for _, p := range ps {
		v := ProblemView{File: p.Pos.File, Line: p.Pos.Line, Col: p.Pos.Col, Message: p.Message, Text: p.Error()}
		if p.Pos.Line > 0 {
			if _, ok := lines[p.Pos.File]; !ok {
				lines[p.Pos.File] = readLines(p.Pos.File)
			}
			if l := lines[p.Pos.File]; p.Pos.Line <= len(l) {
				v.Source = l[p.Pos.Line-1]
			}
		}
		out = append(out, v)
	}
	return out
}

func readLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
