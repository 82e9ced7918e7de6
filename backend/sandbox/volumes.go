package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/yamlpos"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/pricing"
)

// VolumeSpec is one EBS volume of a world instance:
// volumes: [{size: 100, type: gp3, iops: 4000, throughput: 250}].
type VolumeSpec struct {
	SizeGiB    int    `json:"size"`
	Type       string `json:"type"`
	IOPS       int    `json:"iops,omitempty"`
	Throughput int    `json:"throughput,omitempty"`
	// Device, Encrypted and KMSKey come from a launch's block device
	// mappings; world volumes are /dev/xvda, /dev/sdf, /dev/sdg, ...
	Device    string `json:"device,omitempty"`
	Encrypted bool   `json:"encrypted,omitempty"`
	KMSKey    string `json:"kmsKey,omitempty"`
}

// defaultVolumes is what an instance has when the world does not say: one
// 8 GiB gp3 root volume, as most AMIs launch with.
var defaultVolumes = []VolumeSpec{{SizeGiB: 8, Type: "gp3", IOPS: 3000, Throughput: 125}}

// volumes parses an instance's volumes: list.
func (p *parser) volumes(n *yaml.Node) []VolumeSpec {
	if n = yamlpos.Deref(n); n.Kind != yaml.SequenceNode {
		p.errf(n, "volumes must be a list such as [{size: 100, type: gp3}]")
		return nil
	}
	var out []VolumeSpec
	for _, item := range n.Content {
		v := VolumeSpec{Type: "gp3"}
		p.mapping(item, "a volume", map[string]func(*yaml.Node){
			"size":       func(x *yaml.Node) { v.SizeGiB = p.integer(x, "size", 1, 65536) },
			"iops":       func(x *yaml.Node) { v.IOPS = p.integer(x, "iops", 100, 256000) },
			"throughput": func(x *yaml.Node) { v.Throughput = p.integer(x, "throughput", 125, 4000) },
			"type": func(x *yaml.Node) {
				if v.Type = p.str(x, "type"); !slices.Contains(pricing.VolumeTypes, v.Type) {
					p.errf(x, "volume type must be one of %v, not %q", pricing.VolumeTypes, v.Type)
				}
			},
		})
		if v.SizeGiB == 0 && yamlpos.Deref(item).Kind == yaml.MappingNode {
			p.errf(item, "a volume needs a size in GiB, such as size: 100")
		}
		if v.Type == "gp3" {
			v.IOPS, v.Throughput = max(v.IOPS, 3000), max(v.Throughput, 125)
		}
		out = append(out, v)
	}
	return out
}

// volumeSpecs are an instance's volumes as launched (the default root
// volume when the world lists none).
func volumeSpecs(in *instance) []VolumeSpec {
	if len(in.volumes) == 0 {
		return defaultVolumes
	}
	return in.volumes
}

// volumeList is an instance's volumes as EC2 would list them (none once
// terminated: root volumes are deleted on termination). Called with sb.mu held.
func volumeList(in *instance) []cloud.Volume {
	if in.state == cloud.Terminated {
		return nil
	}
	specs := volumeSpecs(in)
	out := make([]cloud.Volume, len(specs))
	for i, v := range specs {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d", in.id, i))
		out[i] = cloud.Volume{ID: "vol-0" + hex.EncodeToString(sum[:])[:16], InstanceID: in.id, Type: v.Type,
			SizeGiB: v.SizeGiB, IOPS: v.IOPS, Throughput: v.Throughput}
	}
	return out
}

type xAttachment struct {
	VolumeID   string `xml:"volumeId"`
	InstanceID string `xml:"instanceId"`
	Device     string `xml:"device"`
	Status     string `xml:"status"`
	AttachTime string `xml:"attachTime"`
	DeleteOnT  bool   `xml:"deleteOnTermination"`
}

type xVolume struct {
	VolumeID    string        `xml:"volumeId"`
	Size        int           `xml:"size"`
	SnapshotID  string        `xml:"snapshotId"`
	AZ          string        `xml:"availabilityZone"`
	Status      string        `xml:"status"`
	CreateTime  string        `xml:"createTime"`
	Attachments []xAttachment `xml:"attachmentSet>item"`
	VolumeType  string        `xml:"volumeType"`
	IOPS        int           `xml:"iops,omitempty"`
	Throughput  int           `xml:"throughput,omitempty"`
	Encrypted   bool          `xml:"encrypted"`
	KMSKey      string        `xml:"kmsKeyId,omitempty"`
	MultiAttach bool          `xml:"multiAttachEnabled"`
}

type xDescribeVolumes struct {
	XMLName   xml.Name  `xml:"DescribeVolumesResponse"`
	Xmlns     string    `xml:"xmlns,attr"`
	RequestID string    `xml:"requestId"`
	Volumes   []xVolume `xml:"volumeSet>item"`
	NextToken string    `xml:"nextToken,omitempty"`
}

// filters reads Filter.N.Name / Filter.N.Value.M.
func (c *call) filters() map[string][]string {
	out := map[string][]string{}
	for i := 1; ; i++ {
		name := c.get("Filter." + strconv.Itoa(i) + ".Name")
		if name == "" {
			return out
		}
		out[name] = append(out[name], c.list("Filter."+strconv.Itoa(i)+".Value")...)
	}
}

// describeVolumes answers DescribeVolumes with the attachment.instance-id
// and volume-id filters (and VolumeId.N), paged by MaxResults/NextToken.
func (sb *Sandbox) describeVolumes(c *call) (any, *apiError) {
	f := c.filters()
	for name := range f {
		if name != "attachment.instance-id" && name != "volume-id" {
			return nil, clientErr("InvalidParameterValue", "The sandbox's DescribeVolumes supports the filters attachment.instance-id and volume-id, not %s", name)
		}
	}
	wantVol := append(c.list("VolumeId"), f["volume-id"]...)
	wantInst := f["attachment.instance-id"]
	limit, start, err := pageParams(c, false)
	if err != nil {
		return nil, err
	}
	now := sb.clock.Now()
	sb.mu.Lock()
	var all []xVolume
	if rs := sb.regions[c.region]; rs != nil {
		for _, in := range rs.order {
			in.advance(now)
			if len(wantInst) > 0 && !slices.Contains(wantInst, in.id) {
				continue
			}
			for i, v := range volumeList(in) {
				if len(wantVol) > 0 && !slices.Contains(wantVol, v.ID) {
					continue
				}
				spec := volumeSpecs(in)[i]
				device := spec.Device
				if device == "" {
					device = "/dev/xvda"
					if i > 0 {
						device = fmt.Sprintf("/dev/sd%c", 'f'+i-1)
					}
				}
				all = append(all, xVolume{VolumeID: v.ID, Size: v.SizeGiB, AZ: in.az, Status: "in-use",
					CreateTime: fmtTime(in.launch), VolumeType: v.Type, IOPS: v.IOPS, Throughput: v.Throughput,
					Encrypted: spec.Encrypted, KMSKey: spec.KMSKey,
					Attachments: []xAttachment{{VolumeID: v.ID, InstanceID: in.id, Device: device, Status: "attached",
						AttachTime: fmtTime(in.launch), DeleteOnT: true}}})
			}
		}
		for _, v := range rs.vols { // standalone volumes (AWS::EC2::Volume)
			if len(wantVol) > 0 && !slices.Contains(wantVol, v.id) ||
				len(wantInst) > 0 && (v.attachedTo == nil || !slices.Contains(wantInst, v.attachedTo.id)) {
				continue
			}
			x := xVolume{VolumeID: v.id, Size: v.size, AZ: v.az, Status: "available", CreateTime: fmtTime(v.created),
				VolumeType: v.typ, IOPS: v.iops, Throughput: v.throughput, Encrypted: v.encrypted, KMSKey: v.kms}
			if v.attachedTo != nil {
				x.Status = "in-use"
				x.Attachments = []xAttachment{{VolumeID: v.id, InstanceID: v.attachedTo.id, Device: v.device,
					Status: "attached", AttachTime: fmtTime(v.created)}}
			}
			all = append(all, x)
		}
	}
	sb.mu.Unlock()
	resp := &xDescribeVolumes{Xmlns: ec2NS, RequestID: requestID()}
	if start < len(all) {
		all = all[start:]
		if limit > 0 && len(all) > limit {
			all, resp.NextToken = all[:limit], pageToken(start+limit)
		}
		resp.Volumes = all
	}
	return resp, nil
}
