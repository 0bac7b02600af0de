// SPDX-License-Identifier: GPL-2.0
/*
 * mypoll_gpio_sim: a simulated GPIO chip for tests of the bridge's GPIO
 * device type, on kernels that build neither gpio-sim nor gpio-mockup (and
 * have no CONFIG_IRQ_SIM), such as Debian's.
 *
 * The chip (label "mypoll-gpio-sim", lines "sim0".."simN-1", N = the module
 * parameter lines, 1..64, default 8) has no hardware behind it: each line
 * has an external level, set from user space, which the chip reads as the
 * value of an input line; an output line reads back what its consumer set.
 * Its interrupts go through gpiolib's own irqchip (GPIOLIB_IRQCHIP), so an
 * edge driven here reaches user space through the real GPIO character
 * device code: edge detection, software debounce (the chip has no
 * set_config, so gpiod_set_debounce() fails with -ENOTSUPP and the
 * character device debounces in software), the kfifo event buffer and its
 * sequence numbers.
 *
 * Control, /sys/kernel/mypoll_gpio_sim/ (one value per attribute; writes
 * are serialised; a kobject of its own, so it stays while the chip is
 * removed):
 *   live     rw  "1" registers the chip, "0" removes it, also while lines
 *                are requested (gpiochip_remove() complains, and the
 *                requests stay dangling until closed). Reads "1" or "0".
 *   pull     w   "OFFSET LEVEL": the external level (0 or 1) of an input
 *                line. A change whose edge (0->1 rising, 1->0 falling) the
 *                line's interrupt is unmasked for fires it; the write
 *                returns when the interrupt's handlers, threaded ones
 *                included, have run: the event is in the request's buffer
 *                (or its debounce work is scheduled).
 *   pulses   w   "OFFSET COUNT": COUNT pulses (1..1000000), each to the
 *                other level and back, so 2 * COUNT edges back to back
 *                (from low: rising, falling, ...), each fired as by pull.
 *   values   r   one character per line, '0' or '1', then a newline: an
 *                output's value as last set by its consumer, an input's
 *                external level.
 * pull and pulses fail with EINVAL on bad input (an offset past the last
 * line, a level other than 0 or 1, a count out of range), with ENODEV
 * while the chip is not live, and with EPERM on an output line: an output
 * drives its line, nothing outside changes it. values fails with ENODEV
 * while the chip is not live. A fatal signal ends pulses early (EINTR).
 *
 * Every edge becomes exactly one event, or one event dropped from a full
 * buffer (a gap in seqno): each edge is fired with generic_handle_irq() and
 * followed by synchronize_irq(), which returns once the character device's
 * threaded handler has run. Without that wait several hard interrupts would
 * fold into one run of the thread, which reads the level once, and edges
 * would be lost without a trace. Interrupts are plain, not nested threads:
 * the software debounce requests its interrupt with no thread function,
 * which request_irq() refuses for a nested-thread interrupt.
 *
 * Locking: sim_mutex serialises the sysfs writes and registration;
 * sim_lock (a raw spinlock, since the irq_chip callbacks run under the
 * interrupt descriptor's raw lock with interrupts off, also on PREEMPT_RT)
 * guards the line state below and is never held across a call into
 * gpiolib or the interrupt core.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/gpio/driver.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irqdomain.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/property.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/version.h>

#define SIM_LABEL		"mypoll-gpio-sim"
#define SIM_MAX_LINES		64
#define SIM_PULSES_MAX		1000000U
/* "sim" and any unsigned int (the compiler cannot know it is < 64). */
#define SIM_NAME_LEN		14

static unsigned int lines = 8;
module_param(lines, uint, 0444);
MODULE_PARM_DESC(lines, "GPIO lines of the chip, 1..64 (default 8)");

/* Serialises the sysfs writes; guards sim_chip (not NULL while live). */
static DEFINE_MUTEX(sim_mutex);
static struct gpio_chip *sim_chip;

/* Guards the line state; taken with interrupts off (irq_chip callbacks). */
static DEFINE_RAW_SPINLOCK(sim_lock);
static DECLARE_BITMAP(sim_level, SIM_MAX_LINES);	/* external level */
static DECLARE_BITMAP(sim_output, SIM_MAX_LINES);	/* direction out */
static DECLARE_BITMAP(sim_out_value, SIM_MAX_LINES);	/* as last set */
static DECLARE_BITMAP(sim_unmasked, SIM_MAX_LINES);	/* irq unmasked */
static unsigned int sim_irq_type[SIM_MAX_LINES];	/* IRQ_TYPE_EDGE_* */
/* Lines a consumer has requested (atomic bitops, gc->request/free). */
static DECLARE_BITMAP(sim_requested, SIM_MAX_LINES);

/*
 * Line names. They come from a software node's "gpio-line-names", as a
 * board's device tree gives them, not from gc->names: before 6.12 (seen on
 * 6.1) gpiolib never lets go of a chip removed while lines were requested
 * (gpiod_free() of such a line puts neither the device nor the module), so
 * the removed device stays on gpiolib's list with no chip, and
 * gpio_name_to_desc(), which gpiolib calls for a chip with gc->names when
 * it registers, dereferences that missing chip. The property path does not
 * look up other chips' names, so the chip keeps its names when it comes
 * back. The node copies the names; it lives as long as the module.
 */
static char sim_name_buf[SIM_MAX_LINES][SIM_NAME_LEN];
static const char *sim_names[SIM_MAX_LINES];
static struct fwnode_handle *sim_fwnode;

static struct kobject *sim_kobj;

/* ---- gpio_chip ------------------------------------------------------------ */

static int sim_request(struct gpio_chip *gc, unsigned int offset)
{
	set_bit(offset, sim_requested);
	return 0;
}

static void sim_free(struct gpio_chip *gc, unsigned int offset)
{
	clear_bit(offset, sim_requested);
}

static int sim_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	return test_bit(offset, sim_output) ? GPIO_LINE_DIRECTION_OUT :
					      GPIO_LINE_DIRECTION_IN;
}

static int sim_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sim_lock, flags);
	__clear_bit(offset, sim_output);
	raw_spin_unlock_irqrestore(&sim_lock, flags);
	return 0;
}

static int sim_direction_output(struct gpio_chip *gc, unsigned int offset,
				int value)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sim_lock, flags);
	__assign_bit(offset, sim_out_value, value);
	__set_bit(offset, sim_output);
	raw_spin_unlock_irqrestore(&sim_lock, flags);
	return 0;
}

static int sim_get(struct gpio_chip *gc, unsigned int offset)
{
	unsigned long flags;
	int value;

	raw_spin_lock_irqsave(&sim_lock, flags);
	if (test_bit(offset, sim_output))
		value = test_bit(offset, sim_out_value);
	else
		value = test_bit(offset, sim_level);
	raw_spin_unlock_irqrestore(&sim_lock, flags);
	return value;
}

static void sim_set_value(unsigned int offset, int value)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sim_lock, flags);
	__assign_bit(offset, sim_out_value, value);
	raw_spin_unlock_irqrestore(&sim_lock, flags);
}

/* gpio_chip.set returns an error code since 6.17. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
static int sim_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	sim_set_value(offset, value);
	return 0;
}
#else
static void sim_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	sim_set_value(offset, value);
}
#endif

/* ---- irq_chip --------------------------------------------------------------- */

static void sim_irq_mask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);

	raw_spin_lock(&sim_lock);
	__clear_bit(hwirq, sim_unmasked);
	raw_spin_unlock(&sim_lock);
	gpiochip_disable_irq(gc, hwirq);
}

static void sim_irq_unmask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);

	gpiochip_enable_irq(gc, hwirq);
	raw_spin_lock(&sim_lock);
	__set_bit(hwirq, sim_unmasked);
	raw_spin_unlock(&sim_lock);
}

/* Edges only: the character device asks for nothing else. */
static int sim_irq_set_type(struct irq_data *d, unsigned int type)
{
	if (type & ~IRQ_TYPE_EDGE_BOTH)
		return -EINVAL;
	raw_spin_lock(&sim_lock);
	sim_irq_type[irqd_to_hwirq(d)] = type;
	raw_spin_unlock(&sim_lock);
	return 0;
}

static const struct irq_chip sim_irq_chip = {
	.name		= SIM_LABEL,
	.irq_mask	= sim_irq_mask,
	.irq_unmask	= sim_irq_unmask,
	.irq_set_type	= sim_irq_set_type,
	.flags		= IRQCHIP_IMMUTABLE | IRQCHIP_SKIP_SET_WAKE,
	GPIOCHIP_IRQ_RESOURCE_HELPERS,
};

/* ---- registration ------------------------------------------------------------ */

/* Caller holds sim_mutex. */
static int sim_register(void)
{
	struct gpio_irq_chip *girq;
	struct gpio_chip *gc;
	unsigned long flags;
	int err;

	gc = kzalloc(sizeof(*gc), GFP_KERNEL);
	if (!gc)
		return -ENOMEM;
	gc->label = SIM_LABEL;
	gc->owner = THIS_MODULE;
	gc->base = -1;
	gc->ngpio = lines;
	gc->fwnode = sim_fwnode;
	gc->can_sleep = false;
	gc->request = sim_request;
	gc->free = sim_free;
	gc->get_direction = sim_get_direction;
	gc->direction_input = sim_direction_input;
	gc->direction_output = sim_direction_output;
	gc->get = sim_get;
	gc->set = sim_set;

	girq = &gc->irq;
	gpio_irq_chip_set_chip(girq, &sim_irq_chip);
	girq->handler = handle_simple_irq;
	girq->default_type = IRQ_TYPE_NONE;

	/* A new chip starts with every line an input, interrupts masked. */
	raw_spin_lock_irqsave(&sim_lock, flags);
	bitmap_zero(sim_output, SIM_MAX_LINES);
	bitmap_zero(sim_out_value, SIM_MAX_LINES);
	bitmap_zero(sim_unmasked, SIM_MAX_LINES);
	bitmap_zero(sim_requested, SIM_MAX_LINES);
	memset(sim_irq_type, 0, sizeof(sim_irq_type));
	raw_spin_unlock_irqrestore(&sim_lock, flags);

	err = gpiochip_add_data(gc, NULL);
	if (err) {
		pr_err("gpiochip_add_data: %d\n", err);
		kfree(gc);
		return err;
	}
	WRITE_ONCE(sim_chip, gc);
	return 0;
}

/*
 * Caller holds sim_mutex. gpiolib no longer calls the chip once
 * gpiochip_remove() has returned (it has numbed the device and disposed of
 * the interrupt mappings), so the chip can be freed, whatever user space
 * still holds.
 */
static void sim_unregister(void)
{
	gpiochip_remove(sim_chip);
	kfree(sim_chip);
	WRITE_ONCE(sim_chip, NULL);
}

/* ---- edges ------------------------------------------------------------------- */

/*
 * Sets the external level of an input line and fires the edge if its
 * interrupt wants it. Returns 0, -EPERM for an output line. Caller holds
 * sim_mutex, and the chip is live.
 */
static int sim_drive(unsigned int offset, bool level)
{
	unsigned long flags;
	unsigned int type, irq;
	bool fire = false;

	raw_spin_lock_irqsave(&sim_lock, flags);
	if (test_bit(offset, sim_output)) {
		raw_spin_unlock_irqrestore(&sim_lock, flags);
		return -EPERM;
	}
	if (test_bit(offset, sim_level) != level) {
		__assign_bit(offset, sim_level, level);
		type = sim_irq_type[offset];
		fire = test_bit(offset, sim_unmasked) &&
		       (type & (level ? IRQ_TYPE_EDGE_RISING :
					IRQ_TYPE_EDGE_FALLING));
	}
	raw_spin_unlock_irqrestore(&sim_lock, flags);
	if (!fire)
		return 0;

	irq = irq_find_mapping(sim_chip->irq.domain, offset);
	if (!irq)
		return 0;
	/* As a parent interrupt controller would: in hard irq context. */
	local_irq_save(flags);
	generic_handle_irq(irq);
	local_irq_restore(flags);
	/* The threaded handler must see this level, not a later one. */
	synchronize_irq(irq);
	return 0;
}

/* ---- sysfs: /sys/kernel/mypoll_gpio_sim/ --------------------------------- */

/* Parses "OFFSET N" into an offset of the chip and N. */
static int sim_parse_pair(const char *buf, unsigned int *offset,
			  unsigned int *n)
{
	char extra;

	if (sscanf(buf, "%u %u %c", offset, n, &extra) != 2)
		return -EINVAL;
	if (*offset >= lines)
		return -EINVAL;
	return 0;
}

static ssize_t live_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(sim_chip) ? 1 : 0);
}

static ssize_t live_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t len)
{
	unsigned int on;
	int err = 0;

	err = kstrtouint(buf, 10, &on);
	if (err || on > 1)
		return -EINVAL;

	mutex_lock(&sim_mutex);
	if (on && !sim_chip)
		err = sim_register();
	else if (!on && sim_chip)
		sim_unregister();
	mutex_unlock(&sim_mutex);
	return err ? err : len;
}
static struct kobj_attribute live_attr = __ATTR_RW(live);

static ssize_t pull_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t len)
{
	unsigned int offset, level;
	int err;

	err = sim_parse_pair(buf, &offset, &level);
	if (err || level > 1)
		return -EINVAL;

	mutex_lock(&sim_mutex);
	err = sim_chip ? sim_drive(offset, level) : -ENODEV;
	mutex_unlock(&sim_mutex);
	return err ? err : len;
}
static struct kobj_attribute pull_attr = __ATTR_WO(pull);

static ssize_t pulses_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t len)
{
	unsigned int offset, count, i;
	bool start;
	int err;

	err = sim_parse_pair(buf, &offset, &count);
	if (err || count < 1 || count > SIM_PULSES_MAX)
		return -EINVAL;

	mutex_lock(&sim_mutex);
	if (!sim_chip) {
		err = -ENODEV;
		goto out;
	}
	start = test_bit(offset, sim_level);
	for (i = 0; i < count && !err; i++) {
		/* A killed writer must not wait for a million pulses. */
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		err = sim_drive(offset, !start);
		if (!err)
			err = sim_drive(offset, start);
		cond_resched();
	}
out:
	mutex_unlock(&sim_mutex);
	return err ? err : len;
}
static struct kobj_attribute pulses_attr = __ATTR_WO(pulses);

static ssize_t values_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	unsigned long flags;
	unsigned int i;
	ssize_t n;

	mutex_lock(&sim_mutex);
	if (!sim_chip) {
		mutex_unlock(&sim_mutex);
		return -ENODEV;
	}
	raw_spin_lock_irqsave(&sim_lock, flags);
	for (i = 0; i < lines; i++) {
		if (test_bit(i, sim_output))
			buf[i] = test_bit(i, sim_out_value) ? '1' : '0';
		else
			buf[i] = test_bit(i, sim_level) ? '1' : '0';
	}
	raw_spin_unlock_irqrestore(&sim_lock, flags);
	mutex_unlock(&sim_mutex);
	buf[i] = '\n';
	n = i + 1;
	return n;
}
static struct kobj_attribute values_attr = __ATTR_RO(values);

static struct attribute *sim_attrs[] = {
	&live_attr.attr,
	&pull_attr.attr,
	&pulses_attr.attr,
	&values_attr.attr,
	NULL,
};

static const struct attribute_group sim_group = {
	.attrs = sim_attrs,
};

/* ---- module ------------------------------------------------------------------ */

static int __init sim_init(void)
{
	struct property_entry props[2] = { };
	unsigned int i;
	int err;

	if (lines < 1 || lines > SIM_MAX_LINES) {
		pr_err("lines=%u: must be 1..%u\n", lines, SIM_MAX_LINES);
		return -EINVAL;
	}
	for (i = 0; i < lines; i++) {
		snprintf(sim_name_buf[i], SIM_NAME_LEN, "sim%u", i);
		sim_names[i] = sim_name_buf[i];
	}
	props[0] = PROPERTY_ENTRY_STRING_ARRAY_LEN("gpio-line-names", sim_names, lines);
	sim_fwnode = fwnode_create_software_node(props, NULL);
	if (IS_ERR(sim_fwnode))
		return PTR_ERR(sim_fwnode);

	sim_kobj = kobject_create_and_add("mypoll_gpio_sim", kernel_kobj);
	if (!sim_kobj) {
		err = -ENOMEM;
		goto node;
	}
	err = sysfs_create_group(sim_kobj, &sim_group);
	if (err)
		goto put;

	mutex_lock(&sim_mutex);
	err = sim_register();
	mutex_unlock(&sim_mutex);
	if (err)
		goto put;
	pr_info("%u line(s)\n", lines);
	return 0;

put:
	kobject_put(sim_kobj);
node:
	fwnode_remove_software_node(sim_fwnode);
	return err;
}

static void __exit sim_exit(void)
{
	/*
	 * Removing the attributes waits for running sysfs calls, so nothing
	 * registers the chip again once it is removed below. No line is
	 * requested: each request holds a reference to this module.
	 */
	kobject_put(sim_kobj);
	mutex_lock(&sim_mutex);
	if (sim_chip)
		sim_unregister();
	mutex_unlock(&sim_mutex);
	fwnode_remove_software_node(sim_fwnode);
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mypoll: simulated GPIO chip with interrupts, driven from sysfs");
MODULE_AUTHOR("mypoll-bridge");
