package dev.weft.internal.queue;

/** A test element for {@link PriorityRunQueue}: a value that identifies it and a level the queue may raise. */
final class LeveledElement implements PriorityRunQueue.Leveled {
    final String name;
    final int value;
    volatile int level;

    LeveledElement(String name, int level) {
        this.name = name;
        this.value = 0;
        this.level = level;
    }

    LeveledElement(int value, int level) {
        this.name = Integer.toString(value);
        this.value = value;
        this.level = level;
    }

    @Override
    public int runLevel() {
        return level;
    }

    @Override
    public void boost(int l) {
        level = Math.max(level, l); // as G: a boost never lowers a level
    }

    @Override
    public String toString() {
        return name;
    }
}
