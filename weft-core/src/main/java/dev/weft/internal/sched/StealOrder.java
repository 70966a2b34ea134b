package dev.weft.internal.sched;

/** The steal enumeration for n Ps: a start index and a stride coprime with n visit each P once. */
final class StealOrder {
    final int count;
    final int[] coprimes;

    StealOrder(int n) {
        this.count = n;
        int[] c = new int[n];
        int k = 0;
        for (int i = 1; i <= n; i++) {
            if (gcd(i, n) == 1) {
                c[k++] = i;
            }
        }
        this.coprimes = java.util.Arrays.copyOf(c, k);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
