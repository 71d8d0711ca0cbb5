import type { Customer } from '../../synthetic/types.ts'

// The person picker's options: people who linked the integration first, then the bank's
// first customers. The chosen person is always among them, even when neither list has them.

export function PeopleOptions(props: { linked: Customer[]; others: Customer[]; chosen: Customer }) {
  const { linked, others, chosen } = props
  const listed = [...linked, ...others].some((customer) => customer.id === chosen.id)
  const option = (customer: Customer) => (
    <option
      value={customer.id}
      data-user-id={customer.person.platformUserId}
      selected={customer.id === chosen.id}
    >
      {customer.person.name} ({customer.id})
    </option>
  )
  return (
    <>
      {!listed && <optgroup label="Chosen">{option(chosen)}</optgroup>}
      {linked.length > 0 && <optgroup label="Linked to the chat app">{linked.map(option)}</optgroup>}
      <optgroup label="Customers">{others.map(option)}</optgroup>
    </>
  )
}
