;; reduceImage's loop in WebAssembly (js/data/wasmreduce.js runs it; reduce.js has the
;; same loop in JavaScript, which it falls back to). Every pixel of a row keeps the key of
;; the strongest value it has read (the `key` of reduce.js flipped into signed order: NaN
;; is the smallest, then |v|, then +x before -x), with `select` instead of a branch; at
;; the end of the row the keys turn back into the values' bits (a key determines its
;; value, NaN aside, which comes out as 0x7fc00000 as in reduce.js). Pointers are byte
;; offsets into the imported memory; tables are i32 (`repeats` bytes), levels are the
;; float32 bits of each pyramid level (`lvOff[a * nb + b]` the byte offset of level
;; (a, b)). Generated into reducewasm.js by tools/build_wasm.mjs (npm run build:wasm).
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
)
