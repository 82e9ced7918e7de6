package desktop

import (
	"strings"

	"cloudcontrol/backend/env"
	"cloudcontrol/backend/userfile"
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

// readLines reads the file as env does (a regular file within its size
// cap, never a named pipe or a device); nil when it cannot.
func readLines(path string) []string {
	data, err := userfile.Read(path, env.MaxFileSize)
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), "\n")
}
