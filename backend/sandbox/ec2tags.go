package sandbox

import (
	"strconv"
	"strings"
	"time"
)

func (sb *Sandbox) deleteTags(c *call) (any, *apiError) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return answer(sb.deleteTagsAt(c, sb.clock.Now()))
}

// deleteTagsAt is DeleteTags as of now, with sb.mu held: a tag given with
// a value goes only where it has that value, one given by key alone goes
// whatever its value, and no tags at all removes every tag but aws: ones,
// as EC2 documents.
func (sb *Sandbox) deleteTagsAt(c *call, now time.Time) (*xReturn, *apiError) {
	type match struct {
		key, value string
		anyValue   bool
	}
	var want []match
	for i := 1; ; i++ {
		p := "Tag." + strconv.Itoa(i)
		k, ok := c.form[p+".Key"]
		if !ok {
			break
		}
		if strings.HasPrefix(strings.ToLower(k[0]), "aws:") {
			return nil, clientErr("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
		}
		v, has := c.form[p+".Value"]
		m := match{key: k[0], anyValue: !has}
		if has {
			m.value = v[0]
		}
		want = append(want, m)
	}
	list, err := sb.tagged(c, now)
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		if len(want) == 0 {
			for k := range in.tags {
				if !strings.HasPrefix(k, "aws:") {
					delete(in.tags, k)
				}
			}
		}
		for _, m := range want {
			if v, ok := in.tags[m.key]; ok && (m.anyValue || v == m.value) {
				delete(in.tags, m.key)
			}
		}
	}
	return &xReturn{XMLName: xmlName("DeleteTagsResponse"), Xmlns: ec2NS, RequestID: requestID(), Return: true}, nil
}
