;; reduceImage's loop in WebAssembly (js/data/wasmreduce.js runs it; reduce.js has the
;; same loop in JavaScript, which it falls back to). Every pixel of a row keeps the key of
;; the strongest value it has read (the `key` of reduce.js flipped into signed order: NaN
;; is the smallest, then |v|, then +x before -x), with `select` instead of a branch; at
;; the end of the row the keys turn back into the values' bits (a key determines its
;; value, NaN aside, which comes out as 0x7fc00000 as in reduce.js). Pointers are byte
;; offsets into the imported memory; tables are i32 (`repeats` bytes), levels are the
;; float32 bits of each pyramid level (`lvOff[a * nb + b]` the byte offset of level
;; (a, b)).
;;
;; `colour` is render/color.js's lutIndex and the packed LUT lookup of the canvas
;; renderer (js/render/wasmcolour.js runs it): the same float64 operations in the same
;; order, so every pixel gets the colour the JavaScript gives it, bit for bit.
;;
;; Generated into reducewasm.js by tools/build_wasm.mjs (npm run build:wasm).
(module
  (memory (import "env" "memory") 1)
  ;; all pointers are byte offsets into memory; tables are i32 unless noted
  (func (export "reduce")
    (param $h i32) (param $w i32) (param $nb i32)
    (param $rFirst i32) (param $rLevel i32) (param $rIndex i32) (param $rRepeats i32)
    (param $levelFirst i32) (param $byLevel i32) (param $pixelOf i32) (param $repeats i32)
    (param $colsAt i32) (param $lvOff i32) (param $keys i32) (param $out i32)
    (local $y i32) (local $o i32) (local $i i32) (local $iEnd i32) (local $a i32) (local $ri i32)
    (local $b i32) (local $at i32) (local $j i32) (local $end i32) (local $base i32)
    (local $v i32) (local $m i32) (local $k i32) (local $x i32) (local $kp i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $w) (i32.const 2)))
    (block $ydone (loop $yloop
      (br_if $ydone (i32.ge_u (local.get $y) (local.get $h)))
      (local.set $o (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $rowBytes))))
      (if (i32.load8_u (i32.add (local.get $rRepeats) (local.get $y)))
        (then
          (memory.copy (local.get $o) (i32.sub (local.get $o) (local.get $rowBytes)) (local.get $rowBytes)))
        (else
          ;; keys = MIN, out row = NaN
          (local.set $x (i32.const 0))
          (block $fd (loop $fl
            (br_if $fd (i32.ge_u (local.get $x) (local.get $w)))
            (i32.store (i32.add (local.get $keys) (i32.shl (local.get $x) (i32.const 2))) (i32.const 0x80000000))
            (i32.store (i32.add (local.get $o) (i32.shl (local.get $x) (i32.const 2))) (i32.const 0x7fc00000))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $fl)))
          (local.set $i (i32.load (i32.add (local.get $rFirst) (i32.shl (local.get $y) (i32.const 2)))))
          (local.set $iEnd (i32.load (i32.add (local.get $rFirst) (i32.shl (i32.add (local.get $y) (i32.const 1)) (i32.const 2)))))
          (block $idone (loop $iloop
            (br_if $idone (i32.ge_u (local.get $i) (local.get $iEnd)))
            (local.set $a (i32.load (i32.add (local.get $rLevel) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $ri (i32.load (i32.add (local.get $rIndex) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $b (i32.const 0))
            (block $bdone (loop $bloop
              (br_if $bdone (i32.ge_u (local.get $b) (local.get $nb)))
              (local.set $at (i32.mul (local.get $b) (i32.add (local.get $w) (i32.const 1))))
              (local.set $j (i32.load (i32.add (local.get $levelFirst) (i32.shl (local.get $at) (i32.const 2)))))
              (local.set $end (i32.load (i32.add (local.get $levelFirst) (i32.shl (i32.add (local.get $at) (local.get $w)) (i32.const 2)))))
              (local.set $base (i32.add
                (i32.load (i32.add (local.get $lvOff) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $nb)) (local.get $b)) (i32.const 2))))
                (i32.shl (i32.mul (local.get $ri) (i32.load (i32.add (local.get $colsAt) (i32.shl (local.get $b) (i32.const 2))))) (i32.const 2))))
              (block $jdone (loop $jloop
                (br_if $jdone (i32.ge_u (local.get $j) (local.get $end)))
                (local.set $v (i32.load (i32.add (local.get $base)
                  (i32.shl (i32.load (i32.add (local.get $byLevel) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 2)))))
                (local.set $m (i32.and (local.get $v) (i32.const 0x7fffffff)))
                (local.set $k (select
                  (i32.const 0x80000000)
                  (i32.xor (i32.add (i32.or (i32.shl (local.get $m) (i32.const 1))
                                            (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1)))
                                    (i32.const 2))
                           (i32.const 0x80000000))
                  (i32.gt_u (local.get $m) (i32.const 0x7f800000))))
                (local.set $x (i32.load (i32.add (local.get $pixelOf) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $kp (i32.add (local.get $keys) (i32.shl (local.get $x) (i32.const 2))))
                (local.set $m (i32.load (local.get $kp)))
                (i32.store (local.get $kp) (select (local.get $k) (local.get $m) (i32.gt_s (local.get $k) (local.get $m))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jloop)))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br $bloop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iloop)))
          ;; keys back to values: u = (k ^ MIN) - 2, |v| bits = u >> 1, sign from u & 1
          (local.set $x (i32.const 0))
          (block $cd (loop $cl
            (br_if $cd (i32.ge_u (local.get $x) (local.get $w)))
            (local.set $k (i32.load (i32.add (local.get $keys) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $m (i32.sub (i32.xor (local.get $k) (i32.const 0x80000000)) (i32.const 2)))
            (i32.store (i32.add (local.get $o) (i32.shl (local.get $x) (i32.const 2)))
              (select (i32.const 0x7fc00000)
                (i32.or (i32.shr_u (local.get $m) (i32.const 1))
                        (i32.shl (i32.xor (i32.and (local.get $m) (i32.const 1)) (i32.const 1)) (i32.const 31)))
                (i32.eq (local.get $k) (i32.const 0x80000000))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $cl)))
          ;; repeated columns copy their left neighbour
          (local.set $x (i32.const 1))
          (block $rd (loop $rl
            (br_if $rd (i32.ge_u (local.get $x) (local.get $w)))
            (if (i32.load8_u (i32.add (local.get $repeats) (local.get $x)))
              (then (i32.store (i32.add (local.get $o) (i32.shl (local.get $x) (i32.const 2)))
                      (i32.load (i32.add (local.get $o) (i32.shl (i32.sub (local.get $x) (i32.const 1)) (i32.const 2)))))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $rl)))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $yloop)))
  )
  ;; dst[i] = the packed colour of the float32 at src[i], for i < n: NaN -> $nan; else
  ;; t = v clamped to [vmin, vmax], u = (t - vmin) / (vmax - vmin) (or, with a centre,
  ;; 0.5 + (t - center) / (2 * max(vmax - center, center - vmin))), LUT entry floor(u *
  ;; 256) clamped to 0..255, and 0 where that is NaN (JavaScript reads packed[NaN] as
  ;; undefined, stored as 0). A value with the bits of the one before reuses its colour.
  (func (export "colour")
    (param $src i32) (param $n i32) (param $dst i32) (param $lut i32) (param $nan i32)
    (param $vmin f64) (param $vmax f64) (param $center f64) (param $centered i32)
    (local $i i32) (local $bits i32) (local $prev i32) (local $c i32)
    (local $v f64) (local $t f64) (local $u f64) (local $f f64)
    (local.set $prev (i32.const 0))
    ;; the first value never matches: its bits differ from $prev's by one
    (if (i32.gt_u (local.get $n) (i32.const 0))
      (then (local.set $prev (i32.xor (i32.load (local.get $src)) (i32.const 1)))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $bits (i32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.ne (local.get $bits) (local.get $prev))
        (then
          (local.set $prev (local.get $bits))
          (local.set $v (f64.promote_f32 (f32.reinterpret_i32 (local.get $bits))))
          (if (f64.ne (local.get $v) (local.get $v))
            (then (local.set $c (local.get $nan)))
            (else
              (local.set $t
                (if (result f64) (f64.lt (local.get $v) (local.get $vmin))
                  (then (local.get $vmin))
                  (else (if (result f64) (f64.gt (local.get $v) (local.get $vmax))
                    (then (local.get $vmax))
                    (else (local.get $v))))))
              (local.set $u
                (if (result f64) (local.get $centered)
                  (then (f64.add (f64.const 0.5)
                    (f64.div (f64.sub (local.get $t) (local.get $center))
                      (f64.mul (f64.const 2)
                        (f64.max (f64.sub (local.get $vmax) (local.get $center))
                                 (f64.sub (local.get $center) (local.get $vmin)))))))
                  (else (f64.div (f64.sub (local.get $t) (local.get $vmin))
                                 (f64.sub (local.get $vmax) (local.get $vmin))))))
              (local.set $f (f64.floor (f64.mul (local.get $u) (f64.const 256))))
              (local.set $c
                (if (result i32) (f64.lt (local.get $f) (f64.const 0))
                  (then (i32.load (local.get $lut)))
                  (else (if (result i32) (f64.gt (local.get $f) (f64.const 255))
                    (then (i32.load (i32.add (local.get $lut) (i32.const 1020))))
                    (else (if (result i32) (f64.ne (local.get $f) (local.get $f))
                      (then (i32.const 0))
                      (else (i32.load (i32.add (local.get $lut)
                        (i32.shl (i32.trunc_f64_s (local.get $f)) (i32.const 2)))))))))))))))
      (i32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))) (local.get $c))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
  )
)
