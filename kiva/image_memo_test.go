package kiva

import "testing"

// TestImageVerifiedOnce: the same photo bytes, embedded for a thousand
// loans and checked again by the rules, are decoded once; other bytes are
// decoded again, and a refused photo stays refused.
func TestImageVerifiedOnce(t *testing.T) {
	// Bytes no other test has used (the memo lives as long as the process).
	data := append(testJPEG(t), "memo-test"...)
	before := decodes.Load()
	var uri string
	for range 1000 {
		u, _, err := EncodeImage(data)
		if err != nil {
			t.Fatal(err)
		}
		uri = u
	}
	if err := CheckImageURI(uri); err != nil {
		t.Fatal(err)
	}
	if n := decodes.Load() - before; n != 1 {
		t.Errorf("decoded %d times, want once", n)
	}
	other := append([]byte(nil), data...)
	other = append(other, 0) // a trailing byte: other bytes, same picture
	if _, _, err := EncodeImage(other); err != nil {
		t.Fatal(err)
	}
	if n := decodes.Load() - before; n != 2 {
		t.Errorf("other bytes: decoded %d times in all, want 2", n)
	}
	bad := append([]byte(nil), data[:len(data)/2]...)
	for range 2 {
		if _, _, err := EncodeImage(bad); err == nil {
			t.Fatal("a cut-off JPEG was accepted")
		}
	}
}
